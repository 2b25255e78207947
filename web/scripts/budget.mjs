// The first-load JavaScript budget: what a citizen's phone downloads before a page can be used,
// gzipped, for every citizen route: the entry chunk, every chunk it imports statically, and the
// route's own chunk with its static imports. Fails (exit 1) above the budget.
//   node scripts/budget.mjs [--json]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_BYTES = 100 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** Every JS file `key` loads before it runs: itself and its static imports, transitively. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const child of manifest[key].imports ?? []) closure(child, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const entry = closure(entryKey);
const routes = Object.keys(manifest).filter((key) => manifest[key].isDynamicEntry && key.includes("/pages/")
  && !key.endsWith("SiteMap.ts") && !key.endsWith("checks.ts"));
const sizeOf = (keys) => [...keys].reduce((sum, key) => sum + gz(manifest[key].file), 0);

const rows = routes.map((route) => {
  const keys = closure(route, new Set(entry));
  return { route: route.replace(/^src\/pages\//, ""), gzip_bytes: sizeOf(keys) };
});
// The apply page's site step also loads the map (Leaflet): reported, and held to the budget too.
const mapKey = Object.keys(manifest).find((key) => key.endsWith("SiteMap.ts"));
const applyKey = routes.find((key) => key.endsWith("apply/Apply.tsx"));
if (mapKey && applyKey) {
  const keys = closure(mapKey, closure(applyKey, new Set(entry)));
  rows.push({ route: "apply/Apply.tsx + SiteMap (site step)", gzip_bytes: sizeOf(keys) });
}
// In AWS, signing in also loads the OIDC client (oidc-client-ts) when the button is pressed,
// and the callback page loads it to finish: both held to the budget too.
const oidcKey = Object.keys(manifest).find((key) => key.endsWith("lib/cognito.ts"));
for (const page of ["SignIn.tsx", "AuthCallback.tsx"]) {
  const pageKey = routes.find((key) => key.endsWith(`/pages/${page}`));
  if (oidcKey && pageKey) {
    rows.push({ route: `${page} + cognito (AWS sign-in)`, gzip_bytes: sizeOf(closure(oidcKey, closure(pageKey, new Set(entry)))) });
  }
}
const report = { budget_bytes: BUDGET_BYTES, entry_gzip_bytes: sizeOf(entry),
  largest_gzip_bytes: Math.max(...rows.map((row) => row.gzip_bytes)), routes: rows };

if (process.argv.includes("--json")) console.log(JSON.stringify(report));
else {
  console.log(`first-load JS (gzip), budget ${(BUDGET_BYTES / 1024).toFixed(0)} KB; shell ${(report.entry_gzip_bytes / 1024).toFixed(1)} KB`);
  for (const row of rows) console.log(`  ${(row.gzip_bytes / 1024).toFixed(1).padStart(6)} KB  ${row.route}`);
}
if (report.largest_gzip_bytes > BUDGET_BYTES) {
  console.error(`over budget: ${report.largest_gzip_bytes} > ${BUDGET_BYTES} bytes`);
  process.exit(1);
}
