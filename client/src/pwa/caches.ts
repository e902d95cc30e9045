/** Prefix of every Cache Storage cache the service worker keeps (see public/sw.js). */
const CACHE_PREFIX = "confer-";

/** Deletes the service worker's offline copies of pages and API answers, e.g. on sign-out. */
export async function clearOfflineCaches(): Promise<void> {
  if (typeof caches === "undefined") return;
  try {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith(CACHE_PREFIX)).map((k) => caches.delete(k)));
  } catch {
    // Cache Storage can be unavailable (private mode); nothing to clear then.
  }
  navigator.serviceWorker?.controller?.postMessage({ type: "clear-caches" });
}

/** Registers the offline service worker (production builds only; it would fight Vite's dev server). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch((err: unknown) => console.warn("Offline support is unavailable:", err));
  });
}
