// Violation reports made in the field, kept on the phone (IndexedDB, photos as Blobs) until the
// signal returns, then sent: on saving, when the browser says it is back online, and whenever
// the app opens. Each report carries the idempotency key made when it was saved, so a send
// whose answer was lost is sent again without making a second report (the API answers 200 with
// the same report and fresh upload URLs for its photos).
import { api } from "../api/client";
import type { paths } from "../api/schema";
import { session } from "../lib/session";

type ReportBody = NonNullable<paths["/v1/violations"]["post"]["requestBody"]>["content"]["application/json"];
export type ViolationKind = ReportBody["kind"];

export type QueueState = "queued" | "sent" | "refused" | "needs_sign_in";

export interface Refusal { code: string; message_ar: string; message_en: string; fields: Record<string, string> }

export interface QueuedReport {
  key: string; // the idempotency key, also the record's key here
  body: ReportBody;
  photos: Blob[];
  state: QueueState;
  uploaded: number; // photos already in the files bucket
  savedAt: string;
  sentAt?: string;
  violationId?: string;
  refusal?: Refusal;
}

const DB = "rukhsa-inspect";
const STORE = "reports";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function reports(): Promise<QueuedReport[]> {
  const all = await transact("readonly", (store) => store.getAll() as IDBRequest<QueuedReport[]>);
  return all.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

const put = (report: QueuedReport) => transact("readwrite", (store) => store.put(report));

/** A key no other report of this phone will have: 32 hex characters from the platform's CSPRNG. */
export function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function enqueue(body: Omit<ReportBody, "idempotency_key" | "photos">, photos: File[]): Promise<QueuedReport> {
  const key = newKey();
  const report: QueuedReport = {
    key, photos: [...photos], state: "queued", uploaded: 0, savedAt: new Date().toISOString(),
    body: { ...body, idempotency_key: key, photos: photos.map((p) => ({ content_type: p.type || "image/jpeg" })) },
  };
  await put(report);
  return report;
}

/** What one answer of POST /v1/violations means for a queued report. */
export function afterAnswer(status: number): "accepted" | "retry" | "sign_in" | "refused" {
  if (status === 200 || status === 201) return "accepted";
  if (status === 401 || status === 403) return "sign_in";
  // Throttled, unavailable, or a conflict of the store: the same report later.
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  return "refused";
}

async function uploadPhoto(upload: { url: string; fields: Record<string, string> }, photo: Blob): Promise<boolean> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", photo);
  try {
    const response = await fetch(upload.url, { method: "POST", body: form });
    return response.ok;
  } catch {
    return false;
  }
}

async function sendOne(report: QueuedReport): Promise<"done" | "offline"> {
  const person = session();
  if (!person || person.role !== "officer") {
    await put({ ...report, state: "needs_sign_in" });
    return "done";
  }
  let answer;
  try {
    answer = await api.POST("/v1/violations", { body: report.body });
  } catch {
    return "offline";
  }
  const outcome = afterAnswer(answer.response.status);
  if (outcome === "retry") return "offline";
  if (outcome === "sign_in") {
    await put({ ...report, state: "needs_sign_in" });
    return "done";
  }
  if (outcome === "refused" || !answer.data) {
    const error = (answer.error as { error?: Partial<Refusal> } | undefined)?.error ?? {};
    await put({ ...report, state: "refused", refusal: {
      code: error.code ?? "refused", message_ar: error.message_ar ?? "", message_en: error.message_en ?? "",
      fields: error.fields ?? {} } });
    return "done";
  }
  const uploads = answer.data.uploads;
  let uploaded = report.uploaded;
  while (uploaded < report.photos.length) {
    if (!(await uploadPhoto(uploads[uploaded].upload, report.photos[uploaded]))) break;
    uploaded += 1;
  }
  const complete = uploaded === report.photos.length;
  await put({ ...report, uploaded, violationId: answer.data.id,
    state: complete ? "sent" : "queued", ...(complete ? { sentAt: new Date().toISOString() } : {}) });
  return complete ? "done" : "offline";
}

let running: Promise<void> | null = null;

/** Send every report not yet sent, oldest first; stops at the first that finds no network. */
export function flush(): Promise<void> {
  running ??= (async () => {
    try {
      const waiting = (await reports()).filter((r) => r.state === "queued" || r.state === "needs_sign_in").reverse();
      for (const report of waiting) {
        if ((await sendOne(report)) === "offline") break;
      }
    } finally {
      running = null;
    }
  })();
  return running;
}
