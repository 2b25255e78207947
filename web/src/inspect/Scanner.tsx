// QR scanning from the rear camera: the browser's BarcodeDetector where it exists (Chromium on
// Android, Safari 17+), else a WebAssembly ZXing decoder (zxing.ts) loaded on the first scan
// from our own origin. Where there is no camera at all, the inspector pastes or types instead.
import { useEffect, useRef, useState } from "preact/hooks";
import { ti } from "./i18n";

interface Detector { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> }
type DetectorClass = new (options: { formats: string[] }) => Detector;

const Barcode = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
const hasCamera = typeof navigator !== "undefined" && !!navigator.mediaDevices?.getUserMedia;

type Read = (video: HTMLVideoElement) => Promise<string | null>;

/** Where the decoder is WebAssembly, fetch it while there is a signal (the service worker keeps
 * the chunk and the .wasm), so that a scan works offline later. Nothing where the browser has
 * its own detector, or no camera. */
export function keepDecoderForOffline(): void {
  if (Barcode || !hasCamera || !navigator.onLine) return;
  window.setTimeout(() => { import("./zxing").then((zxing) => zxing.prepare()).catch(() => undefined); }, 2000);
}

/** One way to read a frame: the platform's detector, or the WebAssembly one (lazy chunk). */
async function reader(): Promise<Read> {
  if (Barcode) {
    const detector = new Barcode({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video).catch(() => []))[0]?.rawValue ?? null;
  }
  const zxing = await import("./zxing");
  await zxing.prepare();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    if (!context || !video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    return zxing.decodeQr(context.getImageData(0, 0, canvas.width, canvas.height)).catch(() => null);
  };
}

export function Scanner(props: { active: boolean; onToggle: (on: boolean) => void; onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<"idle" | "loading" | "failed">("idle");
  useEffect(() => {
    if (!props.active) return;
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    setState("loading");
    Promise.all([reader(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })])
      .then(([read, media]) => {
        stream = media;
        if (stopped || !video.current) return;
        setState("idle");
        video.current.srcObject = media;
        video.current.play();
        const look = async () => {
          if (stopped || !video.current) return;
          const code = await read(video.current);
          if (code) props.onCode(code);
          else timer = window.setTimeout(look, 200);
        };
        look();
      })
      .catch((e) => { console.error("scan failed", e); setState("failed"); props.onToggle(false); });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [props.active]);

  if (!hasCamera) return <p class="hint">{ti("scan.unavailable")}</p>;
  return (
    <>
      <button type="button" class="button button-secondary" onClick={() => props.onToggle(!props.active)}>
        {props.active ? ti("scan.stop") : ti("scan")}
      </button>
      {state === "loading" && props.active && <p class="hint" role="status">{ti("scan.loading")}</p>}
      {state === "failed" && <p class="error-message" role="alert">{ti("scan.failed")}</p>}
      {props.active && <video ref={video} class="scanner" muted playsInline aria-hidden="true" />}
    </>
  );
}
