// Installable and offline: the manifest, and a service worker that keeps the app shell, the
// JWK Set and the status list (public/inspect-sw.js). Only the inspector's page adds them.
export function installApp(): void {
  if (!document.querySelector('link[rel="manifest"]')) {
    const link = document.createElement("link");
    link.rel = "manifest";
    link.href = "/inspect.webmanifest";
    document.head.appendChild(link);
  }
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/inspect-sw.js", { scope: "/inspect" }).then(async () => {
    const ready = await navigator.serviceWorker.ready;
    // The page loaded before the worker ran: hand it the files it used, to keep for offline.
    const urls = performance.getEntriesByType("resource").map((entry) => entry.name)
      .filter((url) => new URL(url).origin === location.origin && new URL(url).pathname.startsWith("/assets/"));
    ready.active?.postMessage({ type: "keep", urls: [...urls, location.pathname] });
  }).catch(() => undefined);
}
