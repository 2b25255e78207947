// The QR decoder for browsers without BarcodeDetector (desktop Chromium on Linux and Windows,
// Firefox, Safari before 17): ZXing-C++ compiled to WebAssembly (npm `zxing-wasm`, reader
// only). Loaded only when a scan starts on such a browser, as its own chunk; the .wasm file is
// emitted by the build under /assets/ and fetched from our own origin (the package's default
// would fetch it from a CDN, which the CSP forbids and an offline phone cannot reach).
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import wasmUrl from "zxing-wasm/reader/zxing_reader.wasm?url";

const overrides = {
  locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? wasmUrl : prefix + path),
};

/** Compile the module now (the first scan must not wait for it frame after frame). */
export async function prepare(): Promise<void> {
  await prepareZXingModule({ overrides, fireImmediately: true });
}

/** The text of the first QR code in the frame, or null. */
export async function decodeQr(frame: ImageData): Promise<string | null> {
  const results = await readBarcodes(frame, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 });
  return results.find((result) => result.isValid)?.text ?? null;
}
