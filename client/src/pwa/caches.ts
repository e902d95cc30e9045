/** Prefix of every Cache Storage cache the service worker keeps (see src/pwa/sw.js). */
const CACHE_PREFIX = "confer-";

/** Whether a cached URL is part of the app build (the same for everyone), not someone's data. */
function isBuildFile(url: string): boolean {
  const path = new URL(url, location.origin).pathname;
  return path === "/index.html" || path === "/favicon.svg" || path.startsWith("/assets/");
}

/**
 * Removes from Cache Storage anything that is not a file of the app build, e.g. on sign-out. Today's
 * service worker stores only build files; this also empties what an older one kept (API answers).
 */
export async function clearOfflineCaches(): Promise<void> {
  if (typeof caches === "undefined") return;
  try {
    for (const name of await caches.keys()) {
      if (!name.startsWith(CACHE_PREFIX)) continue;
      const cache = await caches.open(name);
      const keys = await cache.keys();
      await Promise.all(keys.filter((req) => !isBuildFile(req.url)).map((req) => cache.delete(req)));
    }
  } catch {
    // Cache Storage can be unavailable (private mode); nothing to clear then.
  }
}
