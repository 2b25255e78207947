// The keys and the status list, kept on the device: fetched whenever online (the service worker
// also caches both), saved in localStorage, and verified before every use.
import type { JwkSet } from "./crypto";
import { type StatusList, verifyStatusList } from "./statusList";

const KEYS = "rukhsa.inspect.keys";
const LIST = "rukhsa.inspect.statusList";

export interface Saved<T> { value: T; fetchedAt: string }

export interface TrustData {
  keys: Saved<JwkSet> | null;
  list: StatusList | null;
  listInvalid: boolean;
  online: boolean;
}

function read<T>(name: string): Saved<T> | null {
  try {
    const text = localStorage.getItem(name);
    return text ? (JSON.parse(text) as Saved<T>) : null;
  } catch {
    return null;
  }
}

function save(name: string, value: unknown): void {
  try {
    localStorage.setItem(name, JSON.stringify({ value, fetchedAt: new Date().toISOString() }));
  } catch {
    // storage full or refused: the service worker's cache still holds the responses
  }
}

async function fetchText(path: string): Promise<string | null> {
  try {
    const response = await fetch(path, { cache: "no-cache" });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/** Refresh from the network when possible, then verify what is saved. */
export async function loadTrustData(): Promise<TrustData> {
  const [keysText, listText] = await Promise.all([fetchText("/v1/keys"), fetchText("/v1/status-list")]);
  if (keysText) save(KEYS, JSON.parse(keysText));
  const keys = read<JwkSet>(KEYS);
  let list: StatusList | null = null;
  let listInvalid = false;
  if (keys && listText) {
    const fresh = await verifyStatusList(listText, keys.value);
    if (fresh.ok) save(LIST, listText);
  }
  const savedList = read<string>(LIST);
  if (keys && savedList) {
    const verified = await verifyStatusList(savedList.value, keys.value);
    if (verified.ok) list = verified.list;
    else listInvalid = true;
  }
  // The service worker answers from its cache when offline, so a fetch that worked proves little.
  const online = navigator.onLine && keysText !== null && listText !== null;
  return { keys, list, listInvalid, online };
}
