import { useEffect, useState } from "preact/hooks";

/**
 * A module imported the first time it is needed (once), and a hook for renderers: the module, or
 * `null` until it has arrived (the renderer then renders again).
 */
export function lazyImport<T>(importer: () => Promise<T>): { load(): Promise<T>; use(): T | null } {
  let loading: Promise<T> | null = null;
  let loaded: T | null = null;
  const load = (): Promise<T> => (loading ??= importer().then((module) => (loaded = module)));
  return {
    load,
    use() {
      const [module, setModule] = useState<T | null>(loaded);
      // Asked for as soon as a renderer needs it, not after the page paints.
      if (!loaded) void load();
      useEffect(() => {
        if (!module) void load().then(setModule);
      }, [module]);
      return module;
    },
  };
}
