// A panel mounted the first time it is needed (its tab shown): its code comes as a chunk of its
// own, so a step page does not fetch what a learner may never open. A load that fails is tried
// again the next time.
export interface LazyView<V> {
  /** Mounts it (once) and resolves with it; null when its code could not load. */
  show(): Promise<V | null>;
  /** The view, if it has been mounted. */
  current(): V | null;
}

export function lazyView<V>(load: () => Promise<V>): LazyView<V> {
  let loading: Promise<V | null> | null = null;
  let view: V | null = null;
  return {
    show: () =>
      (loading ??= load().then(
        (mounted) => (view = mounted),
        (error: unknown) => {
          loading = null;
          console.error(error);
          return null;
        },
      )),
    current: () => view,
  };
}
