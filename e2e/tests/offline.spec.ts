import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { cachedPaths, serviceWorkerReady } from "./device.ts";

const builtServiceWorker = fileURLToPath(new URL("../../client/dist/sw.js", import.meta.url));

test("the service worker stores only the app's files: API answers always come from the network", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Dora", "Acme"));
  await serviceWorkerReady(page);
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  await page.getByLabel("Document title").fill("Quarterly");
  await page.getByLabel("Document title").press("Enter");
  await expect(page).toHaveTitle("Quarterly — Confer");
  await page.getByTestId("editor").click();
  await page.keyboard.type("Kept on this device.");
  await page.getByRole("button", { name: "Share" }).click();
  await expect(page.getByRole("dialog", { name: "Share" }).getByTestId("member")).toHaveCount(1);

  // Cache Storage holds the build (every chunk, the document page's too) and not one API answer.
  const cached = await cachedPaths(page);
  expect(cached).toContain("/index.html");
  expect(cached.some((p) => /^\/assets\/DocPage-[\w-]+\.js$/.test(p))).toBe(true);
  expect(cached.filter((p) => !(p === "/index.html" || p === "/favicon.svg" || p.startsWith("/assets/")))).toEqual([]);

  // Offline, /api/me is not answered from a cache: the request fails.
  await ctx.setOffline(true);
  const me = await page.evaluate(() => fetch("/api/me").then((r) => `status ${r.status}`, () => "network error"));
  expect(me).toBe("network error");

  // A reload offline opens this device's copy, says it is offline, and offers no stale share panel.
  await page.reload();
  await expect(page.getByTestId("editor")).toContainText("Kept on this device.");
  await expect(page.getByTestId("connection-status")).toContainText(/offline/i);
  await expect(page.getByRole("heading", { name: "Offline copy" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Share" })).toHaveCount(0);
  await snap(page, "22-document-offline-no-share");

  // Back online, the page reads the metadata again: the title and Share come back.
  await ctx.setOffline(false);
  await expect(page.getByLabel("Document title")).toHaveValue("Quarterly");
  await expect(page.getByRole("button", { name: "Share" })).toBeVisible();
  expect((await cachedPaths(page)).filter((p) => p.startsWith("/api/"))).toEqual([]);
  await ctx.close();
});

test("a new build is noticed and offered: 'A new version of Confer is available · Reload'", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Emil", "Acme"));
  await serviceWorkerReady(page);
  await expect(page.getByTestId("update-banner")).toHaveCount(0);

  // The server now serves a different service worker, as after deploying a new build.
  const original = fs.readFileSync(builtServiceWorker, "utf8");
  try {
    fs.writeFileSync(builtServiceWorker, `${original}\n// next build ${Date.now()}\n`);
    // What a tab does when it becomes visible again (and every half hour).
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    const banner = page.getByTestId("update-banner");
    await expect(banner).toContainText("A new version of Confer is available");
    await snap(page, "23-new-version-available");
    await banner.getByRole("button", { name: "Reload" }).click();
    // The page reloads under the new service worker, and the offer is gone.
    await expect(page.getByRole("button", { name: "New document" })).toBeVisible();
    await expect(page.getByTestId("update-banner")).toHaveCount(0);
    const after = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return { waiting: !!reg?.waiting, active: reg?.active?.state };
    });
    expect(after).toEqual({ waiting: false, active: "activated" });
  } finally {
    fs.writeFileSync(builtServiceWorker, original);
  }
  await ctx.close();
});

test("a viewer opening a document offline, before this device knows their role, cannot type", async ({ browser, baseURL }) => {
  const company = `Roles ${Date.now()}`;
  const fay = person("Fay", company);
  const gus = person("Gus", company);
  const ctxF = await browser.newContext({ baseURL });
  const ctxG = await browser.newContext({ baseURL });
  const f = await ctxF.newPage();
  const g = await ctxG.newPage();
  await signUp(f, fay);
  // Gus has used Confer on this device (it is installed) but never seen this document.
  await signUp(g, gus);
  await expect(g.getByText("No documents yet")).toBeVisible();
  await serviceWorkerReady(g);

  await f.getByRole("button", { name: "New document" }).click();
  await expect(f.getByTestId("connection-status")).toContainText("Connected");
  await f.getByTestId("editor").click();
  await f.keyboard.type("Agreed text.");
  await f.getByRole("button", { name: "Share" }).click();
  const panel = f.getByRole("dialog", { name: "Share" });
  await panel.getByLabel("Email of the person to add").fill(gus.email);
  await panel.getByLabel("Role for the person to add").selectOption("viewer");
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expect(panel.getByText("Gus can now view this document.")).toBeVisible();

  // Offline, Gus opens the link: the page opens read-only and says why.
  await ctxG.setOffline(true);
  await g.goto(f.url());
  await expect(g.getByTestId("connection-status")).toContainText(/offline/i);
  await expect(g.getByText("This device does not know your role in this document yet")).toBeVisible();
  const editorG = g.getByTestId("editor");
  await expect(editorG).toHaveAttribute("contenteditable", "false");
  await editorG.click();
  await g.keyboard.type("VIEWER OFFLINE");
  await expect(editorG).not.toContainText("VIEWER OFFLINE");
  await snap(g, "24-role-unknown-read-only");

  // Online, the server says he is a viewer: still read-only, now in those words, and in sync.
  await ctxG.setOffline(false);
  await expect(g.getByText("You can view this document")).toBeVisible();
  await expect(editorG).toContainText("Agreed text.");
  await f.getByTestId("editor").click();
  await f.keyboard.press("ControlOrMeta+End");
  await f.keyboard.type(" Then more.");
  await expect(editorG).toContainText("Agreed text. Then more.");
  await expect(editorG).not.toContainText("VIEWER OFFLINE");
  await expect(f.getByTestId("editor")).not.toContainText("VIEWER OFFLINE");
  await ctxF.close();
  await ctxG.close();
});

test("a page whose code cannot load (offline, nothing stored yet) says so and offers Reload", async ({ browser, baseURL }) => {
  // No service worker, and the document page's code never fetched in this browser.
  const ctx = await browser.newContext({ baseURL, serviceWorkers: "block" });
  const page = await ctx.newPage();
  await signUp(page, person("Hugo", "Acme"));
  const created = await ctx.request.post("/api/docs", { data: { title: "Never opened here" }, headers: { Origin: baseURL! } });
  expect(created.status()).toBe(201);
  await page.reload();
  await expect(page.getByRole("link", { name: "Never opened here" })).toBeVisible();

  await ctx.setOffline(true);
  await page.getByRole("link", { name: "Never opened here" }).click();
  await expect(page.getByRole("heading", { name: "This page couldn't load" })).toBeVisible();
  await snap(page, "27-page-code-could-not-load");
  await ctx.setOffline(false);
  await page.getByRole("button", { name: "Reload" }).click();
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  await ctx.close();
});
