// QR scanning with the browser's BarcodeDetector where it exists (Chromium on Android); where
// it does not, the button says so and the inspector pastes or types instead (docs/web.md).
import { useEffect, useRef } from "preact/hooks";
import { ti } from "./i18n";

interface Detector { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> }
type DetectorClass = new (options: { formats: string[] }) => Detector;

const Barcode = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;

export function Scanner(props: { active: boolean; onToggle: (on: boolean) => void; onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (!props.active || !Barcode) return;
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const detector = new Barcode({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((media) => {
      stream = media;
      if (stopped || !video.current) return;
      video.current.srcObject = media;
      video.current.play();
      const look = async () => {
        if (stopped || !video.current) return;
        const found = await detector.detect(video.current).catch(() => []);
        if (found.length) props.onCode(found[0].rawValue);
        else timer = window.setTimeout(look, 250);
      };
      look();
    }).catch(() => props.onToggle(false));
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [props.active]);

  if (!Barcode) return <p class="hint">{ti("scan.unavailable")}</p>;
  return (
    <>
      <button type="button" class="button button-secondary" onClick={() => props.onToggle(!props.active)}>
        {props.active ? ti("scan.stop") : ti("scan")}
      </button>
      {props.active && <video ref={video} class="scanner" muted playsInline aria-hidden="true" />}
    </>
  );
}
