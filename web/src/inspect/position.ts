// The phone's position (the Geolocation API works offline: GPS needs no network).
import { useState } from "preact/hooks";

export interface Fix { lat: number; lng: number; accuracyM: number; at: number }
export type PositionState = { fix: Fix | null; pending: boolean; failed: boolean };

/** The phone's position; `locate(maxAgeMs)` takes a fix at most that old (0: a new one, as the
 * "find my position" button asks; a few seconds for the distance shown with a verdict). */
export function usePosition(): [PositionState, (maxAgeMs?: number) => Promise<Fix | null>] {
  const [state, setState] = useState<PositionState>({ fix: null, pending: false, failed: false });
  const locate = (maxAgeMs = 0) => new Promise<Fix | null>((resolve) => {
    if (!("geolocation" in navigator)) {
      setState((s) => ({ ...s, failed: true }));
      resolve(null);
      return;
    }
    setState((s) => ({ ...s, pending: true }));
    navigator.geolocation.getCurrentPosition((found) => {
      const fix = { lat: found.coords.latitude, lng: found.coords.longitude,
        accuracyM: found.coords.accuracy, at: found.timestamp };
      setState({ fix, pending: false, failed: false });
      resolve(fix);
    }, () => {
      setState((s) => ({ ...s, pending: false, failed: true }));
      resolve(null);
    }, { enableHighAccuracy: true, timeout: 20_000, maximumAge: maxAgeMs });
  });
  return [state, locate];
}
