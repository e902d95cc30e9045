// Confer's service worker. It lets a reload while offline still open the app and the documents
// already seen on this device (their text comes from IndexedDB, not from here).
//
// What it stores: the files of one build, and nothing else. The list is written into this file at
// build time from Vite's manifest (vite/serviceWorker.ts), with a version that names the cache, so
// every lazy chunk is stored at install (a first visit straight to a document still reloads
// offline) and an old build's files are removed when a new one takes over.
// What it never stores: API answers (/api/*, all `no-store`), the sync socket, other origins.
// Those go to the network only; the page keeps its own small offline record where it needs one.

/* global self, caches, fetch, URL, Request */

// Replaced at build time; the placeholder keeps the file valid JavaScript.
const BUILD = /* confer:build */ { version: "dev", precache: [] };

const CACHE = `confer-${BUILD.version}`;
const SHELL = "/index.html";
const PRECACHED = new Set(BUILD.precache);

self.addEventListener("install", (event) => {
  // No skipWaiting here: an update waits until the page offers "Reload" and the person accepts,
  // so a tab never runs half old, half new code. The very first install takes over at once.
  event.waitUntil(precache());
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
  if (event.data && event.data.type === "skip-waiting") void self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Network only, never stored: every API answer and the sync socket.
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/collab/")) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (PRECACHED.has(url.pathname)) event.respondWith(buildFile(request));
});

/** Every page is the same app shell: fresh from the network, this build's copy when offline. */
async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cached = await caches.match(SHELL, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

/** Files of this build never change under their hashed names: the stored copy first. */
async function buildFile(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) await cache.put(request, response.clone());
  return response;
}

/** Stores every file of this build; the install fails (and is retried later) if one is missing. */
async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    BUILD.precache.map(async (path) => {
      const response = await fetch(new Request(path, { cache: "reload" }));
      if (!storable(response)) throw new Error(`Could not store ${path} (${response.status}).`);
      await cache.put(path, response);
    }),
  );
}

/** Only complete answers the server allows storing; `no-store` is never written to the cache. */
function storable(response) {
  return response.ok && response.status === 200 && !/no-store/i.test(response.headers.get("Cache-Control") || "");
}
