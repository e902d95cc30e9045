// Registers the service worker and notices when a new build of Confer is waiting to take over, so
// the page can offer "A new version of Confer is available · Reload".
import { useSyncExternalStore } from "react";

/** How often an open tab asks the server whether there is a new build. */
const CHECK_EVERY_MS = 30 * 60_000;

let waiting: ServiceWorker | undefined;
let reloadOnTakeOver = false;
const listeners = new Set<() => void>();

function setWaiting(worker: ServiceWorker | undefined): void {
  waiting = worker;
  for (const listener of listeners) listener();
}

function watch(registration: ServiceWorkerRegistration): void {
  // Only an update replaces a controller; the very first install is not "a new version".
  if (registration.waiting && navigator.serviceWorker.controller) setWaiting(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) setWaiting(worker);
    });
  });
  const check = () => void registration.update().catch(() => undefined);
  setInterval(check, CHECK_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
}

/** Registers the offline service worker (production builds only; it would fight Vite's dev server). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadOnTakeOver) window.location.reload();
  });
  window.addEventListener("load", () => {
    navigator.serviceWorker
      .register("/sw.js", { updateViaCache: "none" })
      .then(watch)
      .catch((err: unknown) => console.warn("Offline support is unavailable:", err));
  });
}

/** Lets the waiting build take over; the page reloads once it has. */
export function applyUpdate(): void {
  // Another tab may already have let it take over: then a plain reload loads the new build.
  if (!waiting || waiting.state !== "installed") return window.location.reload();
  reloadOnTakeOver = true;
  waiting.postMessage({ type: "skip-waiting" });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether a new build of the app is installed and waiting for a reload. */
export function useUpdateAvailable(): boolean {
  return useSyncExternalStore(subscribe, () => waiting !== undefined);
}
