import { defineConfig } from "vitest/config";

// Preact through the automatic JSX runtime (no Babel plugin needed). The dev server proxies the
// API paths to `make run`'s API so that the app and the API share an origin, as they do when
// served by devstack/front.py and, in AWS, by CloudFront.
declare const process: { env: Record<string, string | undefined> };
const API = process.env.RUKHSA_API ?? "http://127.0.0.1:8001";
const apiPaths = ["/v1", "/v/", "/V/", "/s/", "/openapi.json", "/sandbox"];

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
    sourcemap: false,
    manifest: true,
  },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, API])) },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
