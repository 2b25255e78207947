// The inspector's service worker (scope /inspect): the app opens and verifies with no network.
// App shell and hashed assets: cache first (assets are immutable). The JWK Set and the status
// list: network first, the cached copy when offline. Nothing else is touched.
const CACHE = "rukhsa-inspect-v1";
const DATA = ["/v1/keys", "/v1/status-list"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["/inspect", ...DATA])).catch(() => undefined)
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "keep") {
    event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(
      event.data.urls.map((url) => cache.match(url).then((hit) => hit || cache.add(url).catch(() => undefined))))));
  }
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (offline) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw offline;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (DATA.includes(url.pathname)) event.respondWith(networkFirst(event.request, url.pathname));
  else if (url.pathname.startsWith("/assets/")) event.respondWith(cacheFirst(event.request));
  else if (event.request.mode === "navigate") event.respondWith(networkFirst(event.request, "/inspect"));
});
