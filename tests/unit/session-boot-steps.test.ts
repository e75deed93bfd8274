import { describe, expect, it } from 'vitest';
import { advanceStep, failStep, initialSteps, stepsPending } from '../../site/workbench/session/boot-steps.ts';

const view = (steps: ReturnType<typeof initialSteps> | readonly { step: string; progress: number; status: string }[]) =>
  steps.map((s) => `${s.step}:${s.status}:${s.progress}`);

describe('the named boot steps', () => {
  it('a step in progress marks the steps before it done, and leaves the later ones pending', () => {
    const steps = advanceStep(initialSteps(), 'files', 0.5);
    expect(view(steps)).toEqual(['boot:done:1', 'dependencies:done:1', 'files:active:0.5', 'server:pending:0', 'ready:pending:0']);
    expect(stepsPending(steps)).toBe(true);
  });

  it('progress never goes back, is clamped to 0…1, and 1 means done', () => {
    let steps = advanceStep(initialSteps(), 'boot', 0.6);
    steps = advanceStep(steps, 'boot', 0.2);
    expect(steps[0]).toEqual({ step: 'boot', progress: 0.6, status: 'active' });
    steps = advanceStep(steps, 'boot', 7);
    expect(steps[0]).toEqual({ step: 'boot', progress: 1, status: 'done' });
    expect(advanceStep(initialSteps(), 'boot', Number.NaN)[0]).toEqual({ step: 'boot', progress: 0, status: 'active' });
  });

  it('a failed step starts again from 0 when it is retried', () => {
    const failed = failStep(advanceStep(initialSteps(), 'server', 0.7), 'server');
    expect(failed[3]).toEqual({ step: 'server', progress: 0.7, status: 'failed' });
    expect(advanceStep(failed, 'server', 0.25)[3]).toEqual({ step: 'server', progress: 0.25, status: 'active' });
  });

  it('without a step named, the failure lands on the active step, else the first not done', () => {
    expect(view(failStep(advanceStep(initialSteps(), 'dependencies', 0.3)))[1]).toBe('dependencies:failed:0.3');
    expect(view(failStep(advanceStep(initialSteps(), 'files', 1)))[3]).toBe('server:failed:0');
  });

  it('every step done: nothing pending, and a failure with no step changes nothing', () => {
    const done = advanceStep(initialSteps(), 'ready', 1);
    expect(stepsPending(done)).toBe(false);
    expect(failStep(done)).toBe(done);
  });
});
