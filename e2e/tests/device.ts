import { expect, type Page } from "@playwright/test";

// What a browser keeps on the device for Confer, read from inside the page.

/** Waits until the service worker has installed (its precache is stored) and controls the page. */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/**
 * Names of the IndexedDB databases holding document copies. Uses the browser's own listing even
 * where a test has hidden `indexedDB.databases` from the app (see hideDatabasesListing).
 */
export function copyNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __realDatabases?: IDBFactory["databases"] };
    const list = w.__realDatabases ? await w.__realDatabases.call(indexedDB) : await indexedDB.databases();
    return list.map((d) => d.name ?? "").filter((n) => n.startsWith("confer:"));
  });
}

/** Every URL path in Cache Storage, in every cache. */
export function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) paths.push(new URL(req.url).pathname);
    }
    return paths;
  });
}

/** Keys of localStorage that belong to Confer. */
export function storageKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("confer:")).sort());
}

/** Deletions the app asked for and has not seen finish. */
export function pendingDeletions(page: Page): Promise<string[]> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("confer:pending-deletions") ?? "[]") as string[]);
}

/** Makes the app run as in browsers without `indexedDB.databases()` (tests can still list them). */
export function hideDatabasesListing(): void {
  const proto = IDBFactory.prototype as unknown as Record<string, unknown>;
  (window as unknown as { __realDatabases?: unknown }).__realDatabases = proto.databases;
  delete proto.databases;
}
