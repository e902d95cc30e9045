// Confer's service worker. It lets a reload while offline still open the app, the documents list
// and the documents already seen on this device (their text comes from IndexedDB, not from here).
// Network first everywhere: the cache is only a fallback, so online users always get fresh answers.
// Only GET requests of our own origin are ever stored; the page clears these caches on sign-out.

const CACHE = "confer-v1";
const SHELL = "/index.html";

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().catch(() => undefined));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith("confer-") && k !== CACHE).map((k) => caches.delete(k)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "clear-caches") event.waitUntil(clearAll());
});

self.addEventListener("fetch", (event) => {
  const kind = kindOf(event.request);
  if (kind) event.respondWith(networkFirst(event.request, kind));
});

/** Which of our fallbacks applies to a request, or null to leave it to the browser. */
function kindOf(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return null;
  const path = url.pathname;
  if (request.mode === "navigate") return path.startsWith("/api/") || path.startsWith("/collab/") ? null : "page";
  if (path.startsWith("/assets/")) return "asset";
  if (path === "/api/me" || path === "/api/docs" || path.startsWith("/api/docs/")) return "api";
  return null;
}

async function networkFirst(request, kind) {
  // Every page is the same app shell, so all navigations share one cache entry.
  const key = kind === "page" ? SHELL : request;
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const cached = await caches.match(key, { ignoreVary: true, ignoreSearch: kind === "page" });
    if (cached) return cached;
    throw err;
  }
  if (response.ok && (kind !== "page" || (response.headers.get("content-type") || "").includes("text/html"))) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(key, copy)).catch(() => undefined);
  } else if (kind === "api" && response.status === 401) {
    // The session is gone: nothing stored for the previous person may be shown any more.
    await clearAll();
  }
  return response;
}

/** Stores the app shell and the scripts and styles it names, so the first offline reload works. */
async function precacheShell() {
  const response = await fetch(SHELL, { cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  const cache = await caches.open(CACHE);
  await cache.put(SHELL, response);
  const assets = [...new Set(html.match(/\/assets\/[^"'\s>]+/g) || [])];
  await Promise.allSettled(assets.map((a) => cache.add(a)));
}

async function clearAll() {
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith("confer-")).map((k) => caches.delete(k)));
}
