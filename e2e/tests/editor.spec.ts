import type { Page } from "@playwright/test";
import { test, expect, person, signUp, snap } from "./fixtures.ts";

/** Collects console errors and uncaught exceptions of a page from now on. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(String(e)));
  return errors;
}

/** Runs every timer already queued in the page (y-prosemirror schedules its cursor updates with setTimeout 0). */
async function flushTimers(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => setTimeout(resolve, 0), 0)));
}

/**
 * Lets the page handle what the last key or click did to the selection before the next key. Chromium
 * runs input events ahead of the queued \`selectionchange\` that tells ProseMirror where the cursor went,
 * so on a busy machine an Enter right after End could still split at the old cursor.
 */
async function settleSelection(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

/** Pastes as a person's Ctrl+V does, with what a tool put on the clipboard. */
async function pasteInto(page: Page, data: Record<string, string>): Promise<void> {
  await page.getByTestId("editor").evaluate((el, items) => {
    const transfer = new DataTransfer();
    for (const [type, value] of Object.entries(items)) transfer.setData(type, value);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, data);
}

async function newDocument(page: Page, title: string): Promise<void> {
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("connection-status")).toHaveText("Connected");
  await page.getByLabel("Document title").fill(title);
  await page.getByLabel("Document title").press("Enter");
}

test("undo and redo, links, paste and the tab title behave as people expect; leaving logs no errors", async ({ page }) => {
  // The page's clock runs as usual, but the test can move it on: no fixed sleeps for undo grouping.
  await page.clock.install();
  await signUp(page, person("Uma", "Acme"));
  const errors = watchErrors(page);
  await newDocument(page, "Editing basics");
  await expect(page).toHaveTitle("Editing basics — Confer");
  const editor = page.getByTestId("editor");

  // Undo back to an empty document, then redo brings the text back.
  await editor.click();
  await page.keyboard.type("hello world");
  await page.keyboard.press("ControlOrMeta+z");
  await expect(editor.locator("p")).toHaveText([""]);
  await page.keyboard.press("ControlOrMeta+y");
  await expect(editor.locator("p")).toHaveText(["hello world"]);

  // Two paragraphs, two undos, two redos.
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await expect(editor.locator("p")).toHaveText([""]);
  await page.keyboard.type("first paragraph");
  await page.keyboard.press("Enter");
  // A pause longer than the undo grouping: the paragraph exists, then the page's clock moves on.
  await expect(editor.locator("p")).toHaveCount(2);
  await page.clock.fastForward(600); // y's UndoManager groups edits made within 500 ms into one step
  await page.keyboard.type("second paragraph");
  await page.clock.fastForward(600);
  await page.keyboard.press("ControlOrMeta+z");
  await expect(editor.locator("p")).toHaveText(["first paragraph", ""]);
  await page.keyboard.press("ControlOrMeta+z");
  await page.keyboard.press("ControlOrMeta+z");
  await expect(editor.locator("p")).toHaveText([""]);
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(editor.locator("p")).toHaveText(["first paragraph", "second paragraph"]);

  // A link: clicking it shows the card, which opens in a new tab, edits and removes.
  await page.keyboard.press("End");
  await settleSelection(page);
  await page.keyboard.press("Enter");
  await page.keyboard.type("Read the brief");
  await page.keyboard.down("Shift");
  for (let i = 0; i < "the brief".length; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.up("Shift");
  await settleSelection(page);
  await page.keyboard.press("ControlOrMeta+k");
  await page.getByLabel("Link address").fill("example.com/brief");
  await page.getByLabel("Link address").press("Enter");
  const link = editor.getByRole("link", { name: "the brief" });
  await expect(link).toHaveAttribute("href", "https://example.com/brief");
  await editor.locator("p").first().click();
  const card = page.getByTestId("link-bubble");
  await expect(card).toHaveCount(0);
  await link.click();
  await expect(card).toBeVisible();
  const open = card.getByRole("link", { name: /example\.com\/brief/ });
  await expect(open).toHaveAttribute("target", "_blank");
  await expect(open).toHaveAttribute("href", "https://example.com/brief");
  await snap(page, "12-link-card");
  await card.getByRole("button", { name: "Edit link" }).click();
  await expect(page.getByLabel("Link address")).toHaveValue("https://example.com/brief");
  await page.getByLabel("Link address").press("Escape");
  await expect(card).toBeVisible();
  await card.getByRole("button", { name: "Remove link" }).click();
  await expect(editor.getByRole("link")).toHaveCount(0);
  await expect(card).toHaveCount(0);
  await expect(editor).toContainText("Read the brief");

  // Paste from Google Docs: the wrapper does not make everything bold; tables keep their cells apart.
  await editor.locator("p").last().click();
  await page.keyboard.press("End");
  await settleSelection(page);
  await page.keyboard.press("Enter");
  await pasteInto(page, {
    "text/html":
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1b2c3d4e-7fff-aaaa-bbbb-123456789abc"><p dir="ltr"><span style="font-weight:400">Pasted </span><span style="font-weight:700">bold</span><span style="font-weight:400"> part</span></p><h4 dir="ltr"><span style="font-weight:400">Small heading</span></h4><div dir="ltr" align="left"><table><tbody><tr><td><p dir="ltr"><span>cell A</span></p></td><td><p dir="ltr"><span>cell B</span></p></td></tr></tbody></table></div></b>',
    "text/plain": "Pasted bold part\nSmall heading\ncell A\tcell B",
  });
  await expect(editor.locator("strong")).toHaveText(["bold"]);
  await expect(editor.locator("h3")).toHaveText(["Small heading"]);
  await expect(editor.locator("p").filter({ hasText: "cell A" })).toHaveText("cell A | cell B");
  // And Markdown as plain text.
  await page.keyboard.press("Enter");
  await pasteInto(page, { "text/plain": "## Plan\n\n- [ ] write\n- [x] ship\n\nSome **strong** words\n\n> A quote, spaced like any block\n\n```\nconst size = \"like the body\";\n```\n\n1. one\n2. two\n   - nested" });
  await expect(editor.locator("h2")).toHaveText(["Plan"]);
  await expect(editor.locator("li[data-checked]")).toHaveCount(2);
  await expect(editor.locator("strong")).toHaveText(["bold", "strong"]);
  await snap(page, "13-document-typography");

  // Leaving the document logs nothing (the editor's timers outlive the view).
  await page.getByRole("link", { name: "All documents" }).click();
  await expect(page.getByRole("button", { name: "New document" })).toBeVisible();
  await flushTimers(page);
  expect(errors).toEqual([]);
});

test("people together: one avatar per person, distinct colours, labels that fade and come back; at phone width the bar fits", async ({ browser, baseURL }) => {
  const ana = person("Ana", "Acme");
  const ctxA = await browser.newContext({ baseURL });
  const ctxB = await browser.newContext({ baseURL });
  const a = await ctxA.newPage();
  await signUp(a, ana);
  await newDocument(a, "A fairly long document title for the phone");
  const docUrl = a.url();
  await a.getByTestId("editor").click();
  await a.keyboard.type("Ana writes here.");

  // Ana again, in a second tab: still one avatar.
  const a2 = await ctxA.newPage();
  await a2.goto(docUrl);
  await expect(a2.getByTestId("connection-status")).toHaveText("Connected");
  await expect(a.getByTestId("presence").getByTestId("avatar")).toHaveCount(1);

  // Ben (same company) joins through the members API and opens it.
  const ben = person("Ben", "Acme");
  const b = await ctxB.newPage();
  // Same company, same email domain: he joins Acme.
  await signUp(b, ben);
  const benEmail = ben.email;
  const docId = new URL(docUrl).pathname.split("/").pop()!;
  const added = await a.evaluate(
    async ([id, email]) => (await fetch(`/api/docs/${id}/members`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, role: "editor" }) })).status,
    [docId, benEmail] as const,
  );
  expect(added).toBe(201);
  await b.goto(docUrl);
  await expect(b.getByTestId("connection-status")).toHaveText("Connected");
  await expect(a.getByTestId("presence").getByTestId("avatar")).toHaveCount(2);

  // Their avatars have different colours, and each caret has its person's avatar colour.
  const colours = await a.getByTestId("presence").locator(".avatar-circle").evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(new Set(colours).size).toBe(2);

  // Ben moves: Ana sees his label; it fades when he stops, and shows again when he moves.
  await b.getByTestId("editor").click();
  await b.keyboard.press("End");
  const benLabel = a.locator(".ProseMirror-yjs-cursor").filter({ hasText: "Ben" });
  await expect(benLabel.locator(".ProseMirror-yjs-cursor-label")).toBeVisible();
  await expect(benLabel).not.toHaveClass(/idle/);
  const labelColour = await benLabel.locator(".ProseMirror-yjs-cursor-label").evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(colours).toContain(labelColour);
  await expect(benLabel).toHaveClass(/idle/, { timeout: 8000 });
  await b.keyboard.type(" Ben adds.");
  await expect(benLabel).not.toHaveClass(/idle/);
  await expect(benLabel).toHaveClass(/idle/, { timeout: 8000 });
  // Hovering his caret shows his name again.
  const caret = a.locator(".ProseMirror-yjs-caret").first();
  const box = (await caret.boundingBox())!;
  await a.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(benLabel).not.toHaveClass(/idle/);
  await snap(a, "14-document-two-people");

  // At phone width the title keeps room and nothing stray sits between avatars.
  await a.setViewportSize({ width: 390, height: 780 });
  const titleBox = (await a.getByLabel("Document title").boundingBox())!;
  const presenceBox = (await a.getByTestId("presence").boundingBox())!;
  expect(titleBox.width).toBeGreaterThan(110);
  expect(titleBox.x + titleBox.width).toBeLessThanOrEqual(presenceBox.x);
  // Only avatars (their initials) between the title and the status: no other text shows there.
  const strayText = await a.getByTestId("presence").evaluate((list) =>
    [...list.querySelectorAll("*")]
      .filter((el) => !el.closest(".avatar-circle, .sr-only") && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
      .flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()).map((n) => n.textContent)),
  );
  expect(strayText).toEqual([]);
  await snap(a, "15-document-phone");
  await ctxA.close();
  await ctxB.close();
});

test("someone removed while scrolled down sees, in view, what happened", async ({ browser, baseURL }) => {
  const olga = person("Olga", "Acme");
  const ctxO = await browser.newContext({ baseURL });
  const ctxP = await browser.newContext({ baseURL });
  const o = await ctxO.newPage();
  await signUp(o, olga);
  await newDocument(o, "Long read");
  await o.getByTestId("editor").click();
  await pasteInto(o, { "text/plain": Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}`).join("\n") });
  const docId = new URL(o.url()).pathname.split("/").pop()!;
  const peter = person("Peter", "Acme");
  const peterEmail = peter.email;
  const p = await ctxP.newPage();
  await signUp(p, peter);
  const addStatus = await o.evaluate(
    async ([id, email]) => (await fetch(`/api/docs/${id}/members`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, role: "editor" }) })).status,
    [docId, peterEmail] as const,
  );
  expect(addStatus).toBe(201);
  await p.goto(o.url());
  await expect(p.getByTestId("editor")).toContainText("Paragraph 40");
  await p.getByTestId("editor").getByText("Paragraph 40", { exact: true }).scrollIntoViewIfNeeded();
  await expect(p.getByTestId("editor").getByText("Paragraph 1", { exact: true })).not.toBeInViewport();

  const members = await o.evaluate(async (id) => (await (await fetch(`/api/docs/${id}/members`)).json()) as { members?: { userId: string; email: string }[] } | { userId: string; email: string }[], docId);
  const list = Array.isArray(members) ? members : (members.members ?? []);
  const peterId = list.find((m) => m.email === peterEmail)!.userId;
  const removed = await o.evaluate(async ([id, userId]) => (await fetch(`/api/docs/${id}/members/${userId}`, { method: "DELETE" })).status, [docId, peterId] as const);
  expect(removed).toBeLessThan(300);

  const notice = p.getByTestId("doc-notice");
  await expect(notice).toContainText("You no longer have access to this document.");
  await expect(notice).toBeInViewport();
  await expect(p.getByTestId("connection-status")).toHaveText("No access");
  await snap(p, "16-removed-while-scrolled");
  await ctxO.close();
  await ctxP.close();
});
