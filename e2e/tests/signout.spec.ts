import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { copyNames, hideDatabasesListing, pendingDeletions, serviceWorkerReady, storageKeys } from "./device.ts";

/** Creates a titled document with some text and waits until the server and this device have it. */
async function writeDocument(page: Page, title: string, text: string): Promise<string> {
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  await page.getByLabel("Document title").fill(title);
  await page.getByLabel("Document title").press("Enter");
  await expect(page).toHaveTitle(`${title} — Confer`);
  await page.getByTestId("editor").click();
  await page.keyboard.type(text);
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  const docId = page.url().split("/d/")[1]!;
  await expect.poll(async () => (await copyNames(page)).some((n) => n.endsWith(`:${docId}`))).toBe(true);
  return page.url();
}

/** Whether the server still has a session for this browser context. */
async function serverSession(ctx: BrowserContext): Promise<number> {
  return (await ctx.request.get("/api/me")).status();
}

test("signing out while offline, with a second tab open, clears this person's data here and lands on sign-in", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Alice", "Acme"));
  await serviceWorkerReady(page);
  const url = await writeDocument(page, "Secret plans", "The numbers nobody else may read.");
  const docId = url.split("/d/")[1]!;

  // A second tab has the document open.
  const tab2 = await ctx.newPage();
  await tab2.goto(url);
  await expect(tab2.getByTestId("editor")).toContainText("The numbers nobody else may read.");

  // Offline, a reload of the list still shows it (from this device, labelled as such), and sign-out works.
  await page.getByRole("link", { name: "All documents" }).click();
  await expect(page.getByRole("link", { name: "Secret plans" })).toBeVisible();
  await ctx.setOffline(true);
  await page.reload();
  await expect(page.getByText(/Offline — this is the list as this device last saw it/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Secret plans" })).toBeVisible();
  await snap(page, "20-documents-offline-last-known");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await expect(tab2.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await snap(page, "21-signed-out-offline");

  // Nothing of hers is left: no copy, no list, no name, no count; only the note to tell the server.
  expect(await copyNames(page)).toEqual([]);
  expect(await pendingDeletions(page)).toEqual([]);
  expect(await storageKeys(page)).toEqual(["confer:logout-pending"]);
  expect(await serverSession(ctx)).toBe(200);

  // Back online, the server ends the session too; a reload stays signed out.
  await ctx.setOffline(false);
  await expect.poll(() => serverSession(ctx)).toBe(401);
  await expect.poll(() => storageKeys(page)).toEqual([]);
  await page.goto(`/d/${docId}`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await ctx.close();
});

test("a copy another tab keeps open is not reported deleted: it stays pending and is deleted once released", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Bea", "Acme"));
  await writeDocument(page, "Held open", "Some text.");
  const [name] = await copyNames(page);

  // Another tab of this site holds the database open and ignores requests to close it.
  const holder = await ctx.newPage();
  await holder.goto("/login");
  await holder.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const req = indexedDB.open(n!);
        req.onsuccess = () => {
          (window as unknown as { held: IDBDatabase }).held = req.result;
          resolve();
        };
      }),
    name,
  );

  await page.getByRole("link", { name: "All documents" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  // Signed out here, but the copy is still there and the app knows its deletion is pending.
  expect(await copyNames(page)).toEqual([name]);
  expect(await pendingDeletions(page)).toEqual([name]);

  // A new start keeps the deletion on its list; once the other tab lets go, it is done.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await pendingDeletions(page)).toEqual([name]);
  await holder.close();
  await expect.poll(() => copyNames(page)).toEqual([]);
  await expect.poll(() => pendingDeletions(page)).toEqual([]);
  await ctx.close();
});

test("without indexedDB.databases(), sign-out still finds and deletes this person's copies", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  await ctx.addInitScript(hideDatabasesListing);
  const page = await ctx.newPage();
  await signUp(page, person("Cleo", "Acme"));
  expect(await page.evaluate(() => typeof indexedDB.databases)).toBe("undefined");
  await writeDocument(page, "First", "One.");
  await page.getByRole("link", { name: "All documents" }).click();
  await writeDocument(page, "Second", "Two.");
  expect(await copyNames(page)).toHaveLength(2);
  await page.getByRole("link", { name: "All documents" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await copyNames(page)).toEqual([]);
  // The server's sign-out may still be in flight (its retry is kept until it answers).
  await expect.poll(() => storageKeys(page)).toEqual([]);
  await ctx.close();
});
