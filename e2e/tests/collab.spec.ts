import { test, expect, person, signUp, signIn, snap } from "./fixtures.ts";

test("two people's browsers edit one document together, live, and offline edits merge", async ({ browser, baseURL }) => {
  const alice = person("Alice", "Acme");
  const ctxA = await browser.newContext({ baseURL });
  const ctxB = await browser.newContext({ baseURL });
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();

  // Sign up and create a document.
  await signUp(a, alice);
  await expect(a.getByText("No documents yet")).toBeVisible();
  await snap(a, "01-documents-empty");
  await a.getByRole("button", { name: "New document" }).click();
  await expect(a).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  const docUrl = a.url();
  const editorA = a.getByTestId("editor");
  await expect(a.getByTestId("connection-status")).toHaveText("Connected");
  await a.getByLabel("Document title").fill("Launch plan");
  await a.getByLabel("Document title").press("Enter");

  // Markdown input rules and shortcuts produce real structure.
  await editorA.click();
  await a.keyboard.type("# Launch plan");
  await a.keyboard.press("Enter");
  await a.keyboard.type("We ship on **Friday** ");
  await a.keyboard.press("Enter");
  await a.keyboard.type("[ ] write the announcement");
  await expect(editorA.locator("h1")).toHaveText("Launch plan");
  await expect(editorA.locator("strong")).toHaveText("Friday");
  await expect(editorA.locator("li[data-checked] input[type=checkbox]")).toHaveCount(1);

  // The same person on a second browser sees it, and both edit.
  await signIn(b, alice);
  await b.goto(docUrl);
  const editorB = b.getByTestId("editor");
  await expect(editorB.locator("h1")).toHaveText("Launch plan");
  await expect(b.getByLabel("Document title")).toHaveValue("Launch plan");
  await editorB.locator("h1").click();
  await b.keyboard.press("End");
  await b.keyboard.type(" v2");
  await expect(editorA.locator("h1")).toHaveText("Launch plan v2");
  await a.keyboard.type(" and a blog post");
  await expect(editorB).toContainText("write the announcement and a blog post");

  // Each sees the other's cursor, labelled with the name.
  await expect(a.locator(".ProseMirror-yjs-cursor").filter({ hasText: "Alice" })).toHaveCount(1);
  await expect(b.locator(".ProseMirror-yjs-cursor").filter({ hasText: "Alice" })).toHaveCount(1);
  // The same person in two browsers is one person here: one avatar.
  await expect(a.getByTestId("presence").getByTestId("avatar")).toHaveCount(1);
  await expect(a.getByTestId("presence")).toHaveAttribute("aria-label", "1 person here");
  await snap(a, "02-document-two-editors");

  // A reload keeps everything.
  await a.reload();
  await expect(a.getByTestId("editor").locator("h1")).toHaveText("Launch plan v2");
  await expect(a.getByTestId("editor")).toContainText("We ship on Friday");

  // B goes offline, edits, reloads while still offline: nothing is lost; back online it merges.
  await expect(b.getByTestId("connection-status")).toHaveText("Connected");
  await ctxB.setOffline(true);
  await expect(b.getByTestId("connection-status")).toHaveText(/^Offline/);
  await editorB.locator("h1").click();
  await b.keyboard.press("End");
  await b.keyboard.type(" (offline draft)");
  await expect(b.getByTestId("connection-status")).toHaveText("Offline · edits saved on this device");
  await expect(b.getByTestId("doc-notice")).toHaveText("Offline — your edits are saved on this device and will sync when you're back online.");
  await snap(b, "03-document-offline");
  await b.reload();
  await expect(b.getByTestId("editor").locator("h1")).toHaveText("Launch plan v2 (offline draft)");
  // The draft stayed on B's device: A, reloading after B typed it, reads the server's copy without it.
  await a.reload();
  await expect(a.getByTestId("connection-status")).toHaveText("Connected");
  await expect(a.getByTestId("editor")).toContainText("We ship on Friday");
  await expect(a.getByTestId("editor").locator("h1")).toHaveText("Launch plan v2");
  await ctxB.setOffline(false);
  await expect(b.getByTestId("connection-status")).toHaveText("Connected", { timeout: 20_000 });
  await expect(a.getByTestId("editor").locator("h1")).toHaveText("Launch plan v2 (offline draft)");

  // A rename shows on the other open page without a reload.
  await a.getByLabel("Document title").fill("Launch plan, final");
  await a.getByLabel("Document title").press("Enter");
  await expect(b.getByLabel("Document title")).toHaveValue("Launch plan, final");
  await expect(b).toHaveTitle("Launch plan, final — Confer");

  // The documents list shows it, most recently edited first.
  await a.goto("/");
  await expect(a.getByRole("link", { name: /Launch plan/ })).toBeVisible();
  await snap(a, "04-documents-list");
  await ctxA.close();
  await ctxB.close();
});

test("a person who is not a member cannot open someone else's document", async ({ browser, baseURL }) => {
  const owner = person("Olga", "Acme");
  const other = person("Mallory", "Evil Corp");
  const ctxO = await browser.newContext({ baseURL });
  const ctxM = await browser.newContext({ baseURL });
  const o = await ctxO.newPage();
  const m = await ctxM.newPage();
  await signUp(o, owner);
  await o.getByRole("button", { name: "New document" }).click();
  await expect(o).toHaveURL(/\/d\//);
  await o.getByTestId("editor").click();
  await o.keyboard.type("confidential numbers");
  await expect(o.getByTestId("connection-status")).toHaveText("Connected");

  await signUp(m, other);
  await m.goto(o.url());
  await expect(m.getByText(/do not have access|does not exist/i).first()).toBeVisible();
  // That answer is final: no editor is ever made, so the text cannot arrive later.
  await expect(m.getByTestId("editor")).toHaveCount(0);
  await expect(m.getByText("confidential numbers")).toHaveCount(0);
  await snap(m, "05-no-access");
  await ctxO.close();
  await ctxM.close();
});

test("rename and delete from the documents list", async ({ page }) => {
  await signUp(page, person("Dana", "Acme"));
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page).toHaveURL(/\/d\//);
  await page.getByLabel("Document title").fill("<b>Not bold</b>");
  await page.getByLabel("Document title").press("Enter");
  await page.goto("/");
  // Titles are text, never HTML.
  await expect(page.getByRole("link", { name: "<b>Not bold</b>" })).toBeVisible();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: /Delete/ }).first().click();
  await expect(page.getByRole("link", { name: "<b>Not bold</b>" })).toHaveCount(0);
});
