import { test, expect, person, signUp, snap } from "./fixtures.ts";

test("an admin invites a colleague into the organisation with a link; the colleague joins as an insider", async ({ browser, baseURL }) => {
  const company = `Initech ${Date.now()}`;
  const hana = person("Hana", company);
  const ctxH = await browser.newContext({ baseURL });
  const ctxN = await browser.newContext({ baseURL });
  const h = await ctxH.newPage();
  const nPage = await ctxN.newPage();
  await signUp(h, hana);

  // Hana, the admin, creates an invitation link in the organisation settings.
  await h.getByText("Organisation settings").click();
  await expect(h.getByText(/People who confirm an @initech-\d+\.test address join/)).toBeVisible();
  await h.getByRole("button", { name: "Create invitation link" }).click();
  const url = await h.getByLabel("Invitation link").inputValue();
  expect(url).toMatch(/\/join\/[A-Za-z0-9_-]+$/);
  await expect(h.getByTestId("org-invite")).toContainText("0/1 used");
  await snap(h, "18-org-invite-created");

  // Nina, with an address at a public mail provider, follows it: no company field, she joins Hana's.
  await nPage.goto(url);
  await expect(nPage.getByRole("heading", { name: company })).toBeVisible();
  await expect(nPage.getByText("Hana invited you to join")).toBeVisible();
  await expect(nPage.getByLabel("Company")).toHaveCount(0);
  await snap(nPage, "19-org-invite-landing");
  await nPage.getByLabel("Name").fill("Nina");
  await nPage.getByLabel("Email").fill(`nina.${Date.now()}@gmail.com`);
  await nPage.getByLabel("Password").fill("correct horse battery");
  await nPage.getByRole("button", { name: `Join ${company}` }).click();
  await expect(nPage.getByRole("button", { name: "New document" })).toBeVisible();

  // In Hana's documents she is a colleague, not an outsider.
  await h.goto("/");
  await h.getByRole("button", { name: "New document" }).click();
  await expect(h).toHaveURL(/\/d\//);
  await h.getByRole("button", { name: "Share" }).click();
  const panel = h.getByRole("dialog", { name: "Share" });
  await panel.getByRole("button", { name: "Create link" }).click();
  const docLink = await panel.getByLabel("Invite link").inputValue();
  await nPage.goto(docLink);
  await nPage.getByRole("button", { name: "Join document" }).click();
  await expect(nPage).toHaveURL(/\/d\//);
  const ninaRow = panel.getByTestId("member").filter({ hasText: "Nina" });
  await expect(ninaRow).toBeVisible();
  await expect(ninaRow).not.toContainText("external");

  // The invitation was for one person: it is gone from the open ones, and says so when reused.
  const used = await browser.newContext({ baseURL });
  const u = await used.newPage();
  await u.goto(url);
  await expect(u.getByText(/used as many times as it allows/)).toBeVisible();
  await used.close();
  await ctxH.close();
  await ctxN.close();
});
