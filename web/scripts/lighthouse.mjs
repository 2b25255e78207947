// Lighthouse's performance audit of portal pages, as a phone sees them: Lighthouse's default
// (mobile) configuration — a Moto G Power-sized screen, simulated slow 4G and a 4x slower CPU —
// in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) driven by puppeteer-core.
//
//   node scripts/lighthouse.mjs --base http://127.0.0.1:8000 [--runs 3] [--reports DIR]
//                               [--session '{"token":…}'] PATH…
//
// Prints one JSON line: {lighthouse, chromium, pages: [{path, score, lcp_ms, cls, fcp_ms, tbt_ms,
// transfer_bytes, runs: [scores]}]}. Each run is a browser of its own (a fresh profile: nothing
// cached, a first visit); a page's figures are those of its median run (by score, then LCP), as
// Lighthouse's own guidance says to report, since one run on a shared machine is noisy. `--session` is the signed-in person as the app keeps it (the
// `rukhsa.session` sessionStorage entry), put in place before the app's code runs, for the
// pages behind sign-in (apply). `--reports DIR` keeps each run's full Lighthouse result (JSON,
// opens in https://googlechrome.github.io/lighthouse/viewer/ or `npx lighthouse --view`-less
// readers) as PAGE-RUN.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

function parseArgs(argv) {
  const options = { base: undefined, session: undefined, runs: 3, reports: undefined, paths: [] };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === "--base") options.base = argv[++index];
    else if (arg === "--session") options.session = argv[++index];
    else if (arg === "--runs") options.runs = Number(argv[++index]);
    else if (arg === "--reports") options.reports = argv[++index];
    else options.paths.push(arg);
  }
  if (!options.base || options.paths.length === 0) {
    console.error("usage: node scripts/lighthouse.mjs --base URL [--session JSON] PATH...");
    process.exit(2);
  }
  return options;
}

/** What the page's largest contentful paint was: the element's opening tag, as Lighthouse saw it. */
function lcpElement(lhr) {
  const table = lhr.audits["largest-contentful-paint-element"]?.details?.items?.[0];
  return table?.items?.[0]?.node?.snippet ?? null;
}

async function measure(executablePath, url, session, report) {
  const profile = mkdtempSync(join(tmpdir(), "rukhsa-lighthouse-"));
  const browser = await puppeteer.launch({ executablePath, headless: true, userDataDir: profile, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    if (session) {
      // Before any script of the page: the app reads its session at start.
      await page.evaluateOnNewDocument((value) => sessionStorage.setItem("rukhsa.session", value), session);
    }
    // disableStorageReset: keep the session just put in place (the profile is new: there is no
    // cache or storage to reset anyway).
    const result = await lighthouse(url, { onlyCategories: ["performance"], disableStorageReset: true,
      logLevel: "error", output: "json" }, undefined, page);
    const lhr = result.lhr;
    if (report) writeFileSync(report, JSON.stringify(lhr));
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const audit = (id) => lhr.audits[id]?.numericValue;
    return {
      score: Math.round((lhr.categories.performance.score ?? 0) * 100),
      lcp_ms: Math.round(audit("largest-contentful-paint")),
      cls: Number((audit("cumulative-layout-shift") ?? 0).toFixed(4)),
      fcp_ms: Math.round(audit("first-contentful-paint")),
      tbt_ms: Math.round(audit("total-blocking-time")),
      transfer_bytes: Math.round(audit("total-byte-weight") ?? 0),
      final_url: lhr.finalDisplayedUrl,
      lcp_element: lcpElement(lhr),
      lighthouse: lhr.lighthouseVersion,
      chromium: lhr.environment?.hostUserAgent?.match(/Chrome\/([\d.]+)/)?.[1],
      form_factor: lhr.configSettings.formFactor,
      throttling: lhr.configSettings.throttlingMethod,
    };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const options = parseArgs(process.argv.slice(2));
const executablePath = process.env.CHROME_PATH || "/usr/bin/chromium";
if (options.reports) mkdirSync(options.reports, { recursive: true });
const pages = [];
for (const path of options.paths) {
  const runs = [];
  for (let run = 0; run < options.runs; run += 1) {
    const report = options.reports && join(options.reports, `${path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "home"}-${run + 1}.json`);
    runs.push(await measure(executablePath, new URL(path, options.base).href, options.session, report));
  }
  runs.sort((a, b) => a.score - b.score || b.lcp_ms - a.lcp_ms);
  const median = runs[Math.floor(runs.length / 2)];
  pages.push({ path, ...median, runs: runs.map((run) => run.score) });
}
console.log(JSON.stringify({ lighthouse: pages[0].lighthouse, chromium: pages[0].chromium, pages }));
