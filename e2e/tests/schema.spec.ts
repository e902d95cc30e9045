import * as Y from "yjs";
import { META_MAP, SCHEMA_VERSION, SCHEMA_VERSION_KEY } from "@confer/shared";
import { BODY_FRAGMENT } from "@confer/shared/schema";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { stockClient, until } from "./stockClient.ts";

const names = (doc: Y.Doc) => doc.getXmlFragment(BODY_FRAGMENT).toArray().map((c) => (c instanceof Y.XmlElement ? c.nodeName : "text"));

test("a document written by a newer Confer opens read-only with a reload notice, and its new blocks survive", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Nora", "Acme"));
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e.stack)));
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  const docId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByTestId("connection-status")).toHaveText("Connected");
  const editor = page.getByTestId("editor");
  await editor.click();
  await page.keyboard.type("First paragraph");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Second paragraph");

  // A newer client (a stock y-websocket one here) stamps the document and adds a block type this page lacks.
  const newer = await stockClient(ctx, baseURL!, docId);
  await until(() => names(newer.doc).length === 2, "both paragraphs at the newer client");
  newer.doc.transact(() => {
    newer.doc.getMap(META_MAP).set(SCHEMA_VERSION_KEY, SCHEMA_VERSION + 1);
    const callout = new Y.XmlElement("callout");
    const inner = new Y.XmlElement("paragraph");
    inner.insert(0, [new Y.XmlText("A block from the future")]);
    callout.insert(0, [inner]);
    newer.doc.getXmlFragment(BODY_FRAGMENT).insert(1, [callout]);
  });

  // The open page notices at once: the notice, no toolbar, the text read-only, a marker where the block is.
  const notice = page.getByTestId("doc-notice").filter({ hasText: "Confer was updated" });
  await expect(notice).toHaveText("Confer was updated · Reload");
  await expect(page.getByRole("toolbar", { name: "Formatting" })).toHaveCount(0);
  await expect(editor).toHaveAttribute("contenteditable", "false");
  await expect(editor.getByTestId("unknown-block")).toHaveCount(1);
  await expect(editor.locator("p")).toHaveText(["First paragraph", "Second paragraph"]);

  // Typing changes nothing.
  await editor.locator("p").first().click();
  await page.keyboard.press("End");
  await page.keyboard.type(" typed by the old page");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Backspace");
  // Positive control: an awareness change sent after the keystrokes on the same socket; once the newer
  // client sees it, the server has handled everything the page sent before it.
  await page.evaluate(() => {
    const confer = (window as unknown as { __confer: { provider: { awareness: { setLocalStateField(k: string, v: unknown): void } } } }).__confer;
    confer.provider.awareness.setLocalStateField("probe", 1);
  });
  await until(() => [...newer.provider.awareness.getStates().values()].some((s) => s.probe === 1), "the page's probe");
  // And a change from the newer client still shows on the old page (it follows, read-only).
  newer.doc.transact(() => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("Written after")]);
    newer.doc.getXmlFragment(BODY_FRAGMENT).push([p]);
  });
  await expect(editor.locator("p")).toHaveText(["First paragraph", "Second paragraph", "Written after"]);
  await expect(editor).not.toContainText("typed by the old page");
  await snap(page, "10-document-newer-schema");

  // The server's copy still has the block, in place, and nothing the old page typed.
  const fresh = await stockClient(ctx, baseURL!, docId);
  expect(names(fresh.doc)).toEqual(["paragraph", "callout", "paragraph", "paragraph"]);
  expect(fresh.doc.getXmlFragment(BODY_FRAGMENT).toString()).not.toContain("typed by the old page");
  expect(fresh.doc.getMap(META_MAP).get(SCHEMA_VERSION_KEY)).toBe(SCHEMA_VERSION + 1);
  fresh.destroy();

  // Opening it again (from this device's copy and the server) is read-only from the first moment.
  await page.reload();
  await expect(page.getByTestId("doc-notice").filter({ hasText: "Confer was updated" })).toBeVisible();
  await expect(page.getByTestId("editor").getByTestId("unknown-block")).toHaveCount(1);
  await page.setViewportSize({ width: 390, height: 800 });
  await snap(page, "11-document-newer-schema-phone");
  const again = await stockClient(ctx, baseURL!, docId);
  expect(names(again.doc)).toEqual(["paragraph", "callout", "paragraph", "paragraph"]);
  again.destroy();

  newer.destroy();
  expect(errors).toEqual([]);
  await ctx.close();
});
