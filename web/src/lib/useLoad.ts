// Load something once per dependency change with the typed client; pages only render.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Problem } from "../api/problem";

export interface Loaded<T> {
  data?: T;
  problem?: Problem;
  loading: boolean;
  reload: () => Promise<void>;
}

export function useLoad<T>(
  load: () => Promise<{ data?: T; problem?: Problem }>,
  deps: unknown[],
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; problem?: Problem; loading: boolean }>({ loading: true });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(async () => {
    const result = await load();
    setState({ data: result.data, problem: result.problem, loading: false });
  }, deps);
  useEffect(() => {
    setState((previous) => ({ ...previous, loading: true }));
    void reload();
  }, [reload]);
  return { ...state, reload };
}
