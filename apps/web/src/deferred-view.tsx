import { type ComponentType, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A view whose code is a chunk of its own, loaded when it is first shown (the board, where the page opens,
 * does not wait for it): "Loading…" until then, and a message if the chunk cannot be loaded. Written here
 * rather than taken from preact/compat (lazy and Suspense): compat adds a hook to every element the page
 * draws, which a board of hundreds of cards pays for at each render.
 */
export function deferredView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function DeferredView(props: P) {
    const [failed, setFailed] = useState(false);
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let current = true;
      loading ??= load().then((view) => (loaded = view));
      loading.then(
        () => current && setReady(true),
        () => {
          loading = null;
          if (current) setFailed(true);
        },
      );
      return () => {
        current = false;
      };
    }, []);
    if (loaded) return h(loaded, props);
    if (failed)
      return (
        <p class="problem" role="alert">
          This view could not be loaded: check the connection and reload the page.
        </p>
      );
    return <p class="loading">Loading…</p>;
  };
}
