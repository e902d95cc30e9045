import type { Page } from "@playwright/test";
import { test, expect, person, signUp, snap } from "./fixtures.ts";

/** Fills the invite landing page's guest form and joins. */
async function joinAsGuest(page: Page, who: ReturnType<typeof person>): Promise<void> {
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByLabel("Company").fill(who.company);
  await page.getByRole("button", { name: "Join as guest" }).click();
}

test("an owner shares through a link; a guest from another company joins, is marked external, is made a viewer, then removed", async ({
  browser,
  baseURL,
}) => {
  const alice = person("Alice", "Acme");
  const bob = person("Bob", "Globex");
  const ctxA = await browser.newContext({ baseURL });
  const ctxB = await browser.newContext({ baseURL });
  const ctxC = await browser.newContext({ baseURL });
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  const c = await ctxC.newPage();

  // Alice writes a document.
  await signUp(a, alice, { snapshot: "09-signup" });
  await a.getByRole("button", { name: "New document" }).click();
  await expect(a).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(a.getByTestId("connection-status")).toHaveText("Connected");
  await a.getByLabel("Document title").fill("Partner plan");
  await a.getByLabel("Document title").press("Enter");
  // Saved (the tab's title follows the server's answer) before anything relies on it.
  await expect(a).toHaveTitle("Partner plan — Confer");
  const editorA = a.getByTestId("editor");
  await editorA.click();
  await a.keyboard.type("Hello from Alice.");

  // She opens Share (focus moves into the panel) and creates an editor link.
  await a.getByRole("button", { name: "Share" }).click();
  const panel = a.getByRole("dialog", { name: "Share" });
  await expect(panel).toBeFocused();
  await expect(panel.getByTestId("member").filter({ hasText: "Alice" })).toContainText("Owner");
  await expect(panel.getByRole("heading", { name: "Add people from Acme" })).toBeVisible();
  await panel.getByLabel("Link gives").selectOption("editor");
  await panel.getByLabel("Expires after").selectOption({ label: "7 days" });
  await panel.getByLabel("Max uses").fill("5");
  await panel.getByRole("button", { name: "Create link" }).click();
  const url = await panel.getByLabel("Invite link").inputValue();
  expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
  await expect(panel.getByText(/shown only once/i)).toBeVisible();
  await expect(panel.getByTestId("invite-link")).toHaveCount(1);
  await expect(panel.getByTestId("invite-link")).toContainText("0/5 uses");
  // The text column stays visible beside the panel.
  await expect(editorA).toBeInViewport();

  // Bob, not signed in, opens the link: the landing page says what and who.
  await b.goto(url);
  await expect(b).toHaveURL(/\/invite\//);
  await expect(b.getByRole("heading", { name: "Partner plan" })).toBeVisible();
  await expect(b.getByText(/Alice from Acme invited you to edit this document/)).toBeVisible();
  await expect(b.locator(".badge.role")).toHaveText("Editor");
  await expect(b.getByRole("link", { name: "I have an account — sign in" })).toHaveAttribute("href", /\/login\?next=%2Finvite%2F/);
  await snap(b, "11-invite-landing");
  await joinAsGuest(b, bob);
  await expect(b).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  const editorB = b.getByTestId("editor");
  await expect(editorB).toContainText("Hello from Alice.");

  // Both see Bob as external: Alice in the member list and on his avatar, Bob on his own avatar.
  const bobRow = panel.getByTestId("member").filter({ hasText: "Bob" });
  await expect(bobRow).toContainText("external · Globex");
  await expect(bobRow).toContainText("online");
  await expect(a.getByTestId("presence").getByTestId("avatar").filter({ hasText: "Bob" })).toContainText("external · Globex");
  await expect(b.getByTestId("presence").getByTestId("avatar").filter({ hasText: "(you)" })).toContainText("external · Globex");
  await expect(panel.getByTestId("invite-link")).toContainText("1/5 uses");

  // Both edit and see each other's text; Bob's cursor label in Alice's editor says external.
  await editorB.click();
  await b.keyboard.press("ControlOrMeta+End");
  await b.keyboard.type(" Bob was here.");
  await expect(editorA).toContainText("Hello from Alice. Bob was here.");
  await expect(a.locator(".ProseMirror-yjs-cursor").filter({ hasText: "Bob" })).toContainText("external");
  await editorA.click();
  await a.keyboard.press("ControlOrMeta+End");
  await a.keyboard.type(" Welcome, Bob.");
  await expect(editorB).toContainText("Bob was here. Welcome, Bob.");
  await snap(a, "10-share-panel-members-and-link");
  await snap(b, "12-guest-in-document-external");

  // Alice makes Bob a viewer: without a reload his page turns read-only.
  await panel.getByLabel("Role of Bob").selectOption("viewer");
  await expect(b.getByText("You can view this document")).toBeVisible();
  await expect(b.getByRole("toolbar", { name: "Formatting" })).toHaveCount(0);
  await expect(editorB).toHaveAttribute("contenteditable", "false");
  await editorB.click();
  await b.keyboard.type("VIEWER TYPING");
  // Keys change an editable page at once, so nothing of them may show. Then a positive control:
  // Alice's next words reach him after his keys were pressed, and his are still nowhere.
  expect(await editorB.textContent()).not.toContain("VIEWER TYPING");
  await editorA.click();
  await a.keyboard.press("ControlOrMeta+End");
  await a.keyboard.type(" Noted.");
  await expect(editorB).toContainText("Welcome, Bob. Noted.");
  await expect(editorB).not.toContainText("VIEWER TYPING");
  await expect(editorA).not.toContainText("VIEWER TYPING");
  // The Share panel still opens for him, read-only.
  await b.getByRole("button", { name: "Share" }).click();
  const panelB = b.getByRole("dialog", { name: "Share" });
  await expect(panelB.getByTestId("member").filter({ hasText: "Bob" })).toContainText("Viewer");
  await expect(panelB.getByRole("combobox")).toHaveCount(0);
  await expect(panelB.getByRole("button", { name: "Leave document" })).toBeVisible();
  await snap(b, "13-viewer-read-only");

  // Alice removes Bob: his page says so.
  await panel.getByRole("button", { name: "Remove Bob" }).click();
  await expect(b.getByText("You no longer have access to this document")).toBeVisible();
  await expect(panel.getByTestId("member").filter({ hasText: "Bob" })).toHaveCount(0);

  // Alice revokes the link; Carol, opening it later, is told it no longer works.
  await panel.getByRole("button", { name: "Revoke link" }).click();
  await expect(panel.getByTestId("invite-link")).toHaveCount(0);
  await c.goto(url);
  await expect(c.getByRole("heading", { name: "This invite link no longer works" })).toBeVisible();
  await expect(c.getByText(/turned off/i)).toBeVisible();
  await snap(c, "14-revoked-link");

  // The activity log tells the story in sentences, newest first.
  await panel.getByRole("tab", { name: "Activity" }).click();
  const log = panel.getByRole("list", { name: "Sharing activity" }).getByRole("listitem");
  await expect(log).toHaveCount(5);
  await expect(log.nth(0)).toContainText("Alice revoked an editor link");
  await expect(log.nth(1)).toContainText("Alice removed Bob");
  await expect(log.nth(2)).toContainText("Alice changed Bob from editor to viewer");
  await expect(log.nth(3)).toContainText("Bob joined through a link as editor");
  await expect(log.nth(4)).toContainText(/Alice created an editor link \(expires (in 7 days|next week), up to 5 uses\)/);
  await snap(a, "15-share-activity");

  // Escape closes the panel and gives focus back to the Share button.
  await panel.getByRole("tab", { name: "Activity" }).focus();
  await a.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  await expect(a.getByRole("button", { name: "Share" })).toBeFocused();

  await ctxA.close();
  await ctxB.close();
  await ctxC.close();
});

test("colleagues are added by email, signed-in people join with one click, and an org admin can refuse outside guests", async ({ browser, baseURL }) => {
  const company = `Initech ${Date.now()}`;
  const hana = person("Hana", company);
  const ivan = person("Ivan", company);
  const jill = person("Jill", `Umbrella ${Date.now()}`);
  const kim = person("Kim", `Hooli ${Date.now()}`);
  const ctxH = await browser.newContext({ baseURL });
  const ctxI = await browser.newContext({ baseURL });
  const ctxJ = await browser.newContext({ baseURL });
  const ctxK = await browser.newContext({ baseURL });
  const h = await ctxH.newPage();
  const i = await ctxI.newPage();
  const j = await ctxJ.newPage();
  const k = await ctxK.newPage();
  await signUp(h, hana); // the first of her company: its admin
  await signUp(i, ivan);
  await signUp(j, jill);

  // Hana adds Ivan, a colleague, by email as a viewer; Jill is from elsewhere and needs a link.
  await h.getByRole("button", { name: "New document" }).click();
  await expect(h).toHaveURL(/\/d\//);
  await h.getByLabel("Document title").fill("Budget");
  await h.getByLabel("Document title").press("Enter");
  await expect(h).toHaveTitle("Budget — Confer");
  await h.getByRole("button", { name: "Share" }).click();
  const panel = h.getByRole("dialog", { name: "Share" });
  await panel.getByLabel("Email of the person to add").fill(ivan.email);
  await panel.getByLabel("Role for the person to add").selectOption("viewer");
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expect(panel.getByText("Ivan can now view this document.")).toBeVisible();
  const ivanRow = panel.getByTestId("member").filter({ hasText: "Ivan" });
  // A colleague's row names the company beside the email; a guest's would say "external" instead.
  await expect(ivanRow).toContainText(`${ivan.email} · ${company}`);
  await expect(ivanRow).not.toContainText("external");
  await expect(panel.getByLabel("Role of Ivan")).toHaveValue("viewer");
  await panel.getByLabel("Email of the person to add").fill(jill.email);
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expect(panel.getByRole("alert")).toContainText(/invite link/i);
  // The last owner cannot step down; the refusal shows beside her.
  await panel.getByLabel("Role of Hana").selectOption("editor");
  await expect(panel.getByTestId("member").filter({ hasText: "Hana" }).getByRole("alert")).toContainText(/at least one owner/i);
  await expect(panel.getByLabel("Role of Hana")).toHaveValue("owner");

  await panel.getByLabel("Link gives").selectOption("viewer");
  await panel.getByRole("button", { name: "Create link" }).click();
  const url = await panel.getByLabel("Invite link").inputValue();

  // Jill is signed in: one click joins her, as a viewer.
  await j.goto(url);
  await expect(j.getByText(`Signed in as ${jill.name}`)).toBeVisible();
  await expect(j.getByText(/invited you to view this document/)).toBeVisible();
  await j.getByRole("button", { name: "Join document" }).click();
  await expect(j).toHaveURL(/\/d\//);
  await expect(j.getByText("You can view this document")).toBeVisible();

  // Ivan sees the document in his list, opens it, sees the member list read-only, and leaves.
  await i.goto("/");
  await i.getByRole("link", { name: "Budget" }).click();
  await expect(i.getByRole("heading", { name: "Budget" })).toBeVisible();
  await i.getByRole("button", { name: "Share" }).click();
  const panelI = i.getByRole("dialog", { name: "Share" });
  await expect(panelI.getByTestId("member").filter({ hasText: "Jill" })).toContainText(/external · Umbrella/);
  await expect(panelI.getByRole("combobox")).toHaveCount(0);
  await expect(panelI.getByRole("button", { name: /Remove/ })).toHaveCount(0);
  await expect(panelI.getByRole("tab")).toHaveCount(0);
  i.once("dialog", (d) => void d.accept());
  await panelI.getByRole("button", { name: "Leave document" }).click();
  await expect(i.getByText("No documents yet")).toBeVisible();
  await expect(i.getByRole("link", { name: "Budget" })).toHaveCount(0);
  await panel.getByRole("tab", { name: "Activity" }).click();
  await expect(panel.getByRole("list", { name: "Sharing activity" })).toContainText("Ivan left the document");
  await expect(panel.getByRole("list", { name: "Sharing activity" })).toContainText("Hana added Ivan as viewer");

  // Hana, the admin, turns outside guests off; Kim from another company is then refused, in words.
  await h.goto("/");
  await h.getByText("Organisation settings").click();
  const allow = h.getByLabel("Allow people from other companies to join our documents through invite links");
  await expect(allow).toBeChecked();
  await allow.uncheck();
  await expect(h.getByText("Saved.")).toBeVisible();
  await snap(h, "16-org-settings");
  // Ivan is no admin: once the server has answered his page, it shows no settings.
  const orgAnswer = i.waitForResponse((r) => new URL(r.url()).pathname === "/api/org");
  await i.goto("/");
  expect(((await (await orgAnswer).json()) as { isAdmin: boolean }).isAdmin).toBe(false);
  await expect(i.getByText("No documents yet")).toBeVisible();
  await expect(i.getByText("Organisation settings")).toHaveCount(0);
  await k.goto(url);
  await joinAsGuest(k, kim);
  await expect(k.getByRole("alert")).toContainText(/does not allow people from other companies/i);
  await expect(k).toHaveURL(/\/invite\//);
  await snap(k, "17-invite-external-forbidden");

  await ctxH.close();
  await ctxI.close();
  await ctxJ.close();
  await ctxK.close();
});

test("the invite page explains unknown links, sends existing accounts to sign in and back, and ignores off-site next", async ({ browser, baseURL }) => {
  const lena = person("Lena", `Stark ${Date.now()}`);
  const max = person("Max", `Wayne ${Date.now()}`);
  const ctxL = await browser.newContext({ baseURL });
  const l = await ctxL.newPage();
  await signUp(l, lena);
  await l.getByRole("button", { name: "New document" }).click();
  await expect(l).toHaveURL(/\/d\//);
  await l.getByRole("button", { name: "Share" }).click();
  await l.getByRole("button", { name: "Create link" }).click();
  const url = await l.getByLabel("Invite link").inputValue();

  // Max has an account, but not on this browser.
  const ctxSignup = await browser.newContext({ baseURL });
  await signUp(await ctxSignup.newPage(), max);
  await ctxSignup.close();

  const ctxM = await browser.newContext({ baseURL });
  const m = await ctxM.newPage();
  await m.goto(url);
  await m.getByRole("link", { name: "I have an account — sign in" }).click();
  await expect(m).toHaveURL(/\/login\?next=/);
  await expect(m.getByText("Sign in to accept your invitation.")).toBeVisible();
  await m.getByLabel("Email").fill(max.email);
  await m.getByLabel("Password").fill(max.password);
  await m.getByRole("button", { name: "Sign in" }).click();
  await expect(m).toHaveURL(/\/invite\//);
  await expect(m.getByText(`Signed in as ${max.name}`)).toBeVisible();
  await m.getByRole("button", { name: "Join document" }).click();
  await expect(m).toHaveURL(/\/d\//);
  await expect(m.getByTestId("editor")).toBeVisible();

  // An unknown link, and a next that would leave the site.
  await m.goto("/invite/this-token-does-not-exist-anywhere");
  await expect(m.getByRole("heading", { name: "This invite link doesn't work" })).toBeVisible();
  await expect(m.getByText(/not valid/i)).toBeVisible();
  await m.goto("/login?next=%2F%5Cexample.com");
  await expect(m.getByRole("button", { name: "New document" })).toBeVisible();
  expect(new URL(m.url()).pathname).toBe("/");
  await ctxL.close();
  await ctxM.close();
});
