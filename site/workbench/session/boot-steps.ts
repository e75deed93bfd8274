// The named boot steps as the learner sees them (boot, dependencies, files, server, ready), as
// pure functions of the step list: the session keeps the list in its state.
import { BOOT_STEPS, type BootStep } from '../../runtime/types.ts';
import type { StepState } from './session-types.ts';

export const initialSteps = (): StepState[] => BOOT_STEPS.map((step) => ({ step, progress: 0, status: 'pending' }));

const clamp = (value: number) => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/** `step` reached `progress` (0…1): the steps before it are done; progress never goes back. */
export function advanceStep(steps: readonly StepState[], step: BootStep, progress: number): StepState[] {
  const index = BOOT_STEPS.indexOf(step);
  return steps.map((entry, i): StepState => {
    if (i < index && entry.status !== 'done') return { step: entry.step, progress: 1, status: 'done' };
    if (i !== index) return entry;
    const value = Math.max(entry.status === 'pending' || entry.status === 'failed' ? 0 : entry.progress, clamp(progress));
    return { step, progress: value, status: value >= 1 ? 'done' : 'active' };
  });
}

/** Marks `step` failed; without one, the step in progress (or the first not done). Same list when none. */
export function failStep(steps: readonly StepState[], step?: BootStep | null): readonly StepState[] {
  const target = step ?? steps.find((entry) => entry.status === 'active')?.step ?? steps.find((entry) => entry.status !== 'done')?.step;
  if (!target) return steps;
  return steps.map((entry) => (entry.step === target ? { ...entry, status: 'failed' } : entry));
}

/** Whether the boot's steps are still being reported (the first start, or a retry of it). */
export const stepsPending = (steps: readonly StepState[]) => steps.some((entry) => entry.status !== 'done');
