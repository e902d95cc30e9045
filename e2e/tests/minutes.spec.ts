import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from "../chromium.ts";
import { test, expect, person, signUp, snap } from "./fixtures.ts";

// The key test, media included: three people join a document's meeting, each from a Chromium
// of their own whose fake microphone plays that person's lines (spoken by flite). The LiveKit test
// double receives each microphone over WebRTC and records it per track as Track Egress does; the
// server transcribes the recordings with pocketsphinx and writes the minutes into the document.
test.use({ livekit: true });

/** Each person's line, spoken this many seconds after their microphone starts. */
const SPEAK_AT_S = 4;
/** Length of each fake microphone file: the line, then silence. */
const FILE_S = 11;
const LINES = {
  alice: "Good morning everyone. Let us review the contract with Globex.",
  bob: "I will send the updated contract by Friday.",
  carol: "We decided to launch the product in March.",
};
/** Words of each line at least one of which the transcript must have under that person's name. */
const HEARD = {
  alice: /morning|review|globex/i,
  bob: /send|updated|friday/i,
  carol: /decided|launch|product|march/i,
};

/** A WAV as Chromium's fake microphone wants it (48 kHz, 16-bit, mono): silence, the line, silence. */
function microphoneFile(dir: string, name: string, text: string): string {
  const spoken = path.join(dir, `${name}-line.wav`);
  execFileSync("flite", ["-voice", "rms", "-t", text, "-o", spoken], { stdio: "ignore" });
  const out = path.join(dir, `${name}.wav`);
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", spoken, "-af", `adelay=${SPEAK_AT_S * 1000}:all=1,apad=whole_dur=${FILE_S}`, "-ar", "48000", "-ac", "1", "-c:a", "pcm_s16le", out], { stdio: "ignore" });
  return out;
}

/** A Chromium of its own for one person: the microphone flag is browser-wide. */
const launchWithMicrophone = (wav: string): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS, `--use-file-for-fake-audio-capture=${wav}%noloop`] });

async function joinAsGuest(page: Page, who: ReturnType<typeof person>): Promise<void> {
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByLabel("Company").fill(who.company);
  await page.getByRole("button", { name: "Join as guest" }).click();
}

/** Turns the camera off in the pre-join step (three video encoders would crowd two cores), and joins. */
async function joinWithMicrophone(page: Page): Promise<Locator> {
  const panel = page.getByTestId("meeting-panel");
  await expect(panel.getByTestId("prejoin")).toBeVisible();
  await panel.getByRole("button", { name: "Camera on" }).click();
  await panel.getByRole("button", { name: "Join now" }).click();
  await expect(panel.getByTestId("in-call")).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole("button", { name: "Mute microphone" })).toBeVisible();
  return panel;
}

/** Records every text the card's minutes line shows, so short-lived steps are not missed. */
async function watchMinutesLine(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __minutesSeen: string[] }).__minutesSeen = seen;
    const look = () => {
      const el = document.querySelector<HTMLElement>("[data-testid=minutes-status]");
      const text = el && !el.closest("[hidden]") ? (el.textContent ?? "") : "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}
const minutesSeen = (page: Page) => page.evaluate(() => (window as unknown as { __minutesSeen: string[] }).__minutesSeen);

test("a recorded meeting becomes minutes in the document for everyone, and a transcript timestamp plays the recording from that moment", async ({ baseURL, double }) => {
  test.setTimeout(360_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-minutes-e2e-"));
  const alice = person("Alice", "Acme");
  const carol = person("Carol", "Acme");
  const bob = person("Bob", "Globex");
  const browsers = await Promise.all((["alice", "bob", "carol"] as const).map((who) => launchWithMicrophone(microphoneFile(dir, who, LINES[who]))));
  try {
    const [a, b, c] = await Promise.all(browsers.map(async (br) => (await br.newContext({ baseURL, permissions: ["camera", "microphone"] })).newPage()));
    const pages = [a!, b!, c!];

    // Alice writes the agenda; Carol, a colleague, is added as an editor; Bob from Globex joins through a link.
    await signUp(a!, alice);
    await signUp(c!, carol);
    await a!.getByRole("button", { name: "New document" }).click();
    await expect(a!).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
    const docUrl = a!.url();
    await expect(a!.getByTestId("connection-status")).toHaveText("Connected");
    await a!.getByLabel("Document title").fill("Globex contract");
    await a!.getByLabel("Document title").press("Enter");
    const editorA = a!.getByTestId("editor");
    await editorA.click();
    await a!.keyboard.type("Agenda: the Globex contract.");
    await a!.getByRole("button", { name: "Share" }).click();
    const share = a!.getByRole("dialog", { name: "Share" });
    await share.getByLabel("Email of the person to add").fill(carol.email);
    await share.getByLabel("Role for the person to add").selectOption("editor");
    await share.getByRole("button", { name: "Add", exact: true }).click();
    await expect(share.getByText("Carol can now edit this document.")).toBeVisible();
    await share.getByLabel("Link gives").selectOption("editor");
    await share.getByRole("button", { name: "Create link" }).click();
    const link = await share.getByLabel("Invite link").inputValue();
    await share.getByRole("button", { name: "Close sharing" }).click();
    await b!.goto(link);
    await joinAsGuest(b!, bob);
    await expect(b!.getByTestId("editor")).toContainText("Agenda: the Globex contract.");
    await c!.goto(docUrl);
    await expect(c!.getByTestId("editor")).toContainText("Agenda: the Globex contract.");

    // Alice starts the meeting after the agenda and, before joining, chooses "Record and take minutes".
    await editorA.getByText("Agenda: the Globex contract.").click();
    await a!.keyboard.press("End");
    await a!.getByTestId("meeting-button").click();
    const panelA = a!.getByTestId("meeting-panel");
    const recordSwitch = panelA.getByRole("switch", { name: "Record and take minutes" });
    await expect(recordSwitch).toHaveAttribute("aria-checked", "false");
    await recordSwitch.click();
    await expect(recordSwitch).toHaveAttribute("aria-checked", "true");
    await snap(a!, "30-minutes-host-prejoin-recording-on");

    // Those about to join are told, on the banner, the card and the pre-join step.
    await expect(b!.getByTestId("meeting-banner")).toContainText("Alice started a meeting · Recording · Join");
    await expect(c!.getByTestId("meeting-card").getByTestId("meeting-card-recording")).toBeVisible();
    await joinWithMicrophone(a!);
    await expect(panelA.getByTestId("recording-indicator")).toHaveText("Recording");
    await b!.getByTestId("meeting-banner").getByRole("button", { name: "Join", exact: true }).click();
    await expect(b!.getByTestId("meeting-panel").getByTestId("recorded-notice")).toContainText("This meeting is being recorded");
    await expect(b!.getByTestId("meeting-panel").getByRole("switch")).toHaveCount(0);
    await snap(b!, "31-minutes-guest-prejoin-told-recorded");
    const panelB = await joinWithMicrophone(b!);
    await c!.getByTestId("meeting-card").getByRole("button", { name: /^Join the meeting started by Alice \(it is being recorded\)$/ }).click();
    await expect(c!.getByTestId("meeting-panel").getByTestId("recorded-notice")).toBeVisible();
    const panelC = await joinWithMicrophone(c!);

    // Everyone in the meeting sees the indicator; only the host has the switch.
    for (const panel of [panelA, panelB, panelC]) await expect(panel.getByTestId("recording-indicator")).toBeVisible();
    await expect(panelA.getByTestId("participant")).toHaveCount(3);
    await expect(panelC.getByRole("switch")).toHaveCount(0);
    await snap(a!, "32-minutes-in-call-host-switch");
    await snap(c!, "32-minutes-in-call-recording-indicator");

    // Everyone has said their line: each microphone's recording holds its whole file (Carol, the
    // last to join, speaks 4 s in). Then Alice ends the meeting.
    await expect
      .poll(() => [...double!.egress.recordedSeconds().values()].filter((s) => s >= FILE_S).length, { timeout: 60_000, message: "three recordings with every line" })
      .toBe(3);
    for (const p of pages) await watchMinutesLine(p);
    await panelA.getByRole("button", { name: "End meeting for everyone" }).click();
    await panelA.getByRole("button", { name: "End for everyone" }).click();
    await expect(panelA.getByRole("alert")).toHaveText("This meeting has ended.");
    await panelA.getByRole("button", { name: "Close", exact: true }).click();

    // Every page sees the progress on the card, live, then the minutes appear at the card: no reload.
    const statusC = c!.getByTestId("meeting-card").getByTestId("minutes-status");
    await expect(statusC).toHaveText(/^Transcribing · \d of 3 speakers · \d+%$/, { timeout: 60_000 });
    await snap(c!, "33-minutes-card-transcribing");
    for (const p of pages) await expect(p.getByTestId("meeting-card").getByTestId("minutes-status")).toHaveText("Minutes are below", { timeout: 180_000 });
    for (const p of pages) {
      const seen = await minutesSeen(p);
      expect(seen.some((t) => /^Transcribing · \d of 3 speakers · \d+%$/.test(t)), `${seen.join(" | ")}`).toBe(true);
      expect(seen).toContain("Writing minutes");
      expect(seen[seen.length - 1]).toBe("Minutes are below");
    }

    for (const p of pages) {
      const editor = p.getByTestId("editor");
      // Right after the card: the minutes' title; the text before it untouched.
      const order = await editor.evaluate((el) => [...el.children].slice(0, 3).map((n) => (n as HTMLElement).dataset.testid ?? n.textContent ?? ""));
      expect(order[0]).toBe("Agenda: the Globex contract.");
      expect(order[1]).toBe("meeting-card");
      expect(order[2]).toMatch(/^Minutes · /);
      await expect(editor).toContainText("Bob · Globex · external — joined");
      // Each person's words under their name, in the transcript (folded: read from the document's text).
      for (const [who, name] of [["alice", "Alice"], ["bob", "Bob"], ["carol", "Carol"]] as const) {
        const said = (await editor.locator(".fold-body p").filter({ has: p.locator("strong", { hasText: `${name}:` }) }).allTextContents()).join(" ");
        expect(said, `${name}'s lines on ${p === a ? "Alice's" : p === b ? "Bob's" : "Carol's"} page`).toMatch(HEARD[who]);
      }
    }
    await expect(c!.getByTestId("meeting-card").getByRole("button", { name: "Play Bob's recording" })).toBeVisible();
    await c!.getByTestId("meeting-card").scrollIntoViewIfNeeded();
    await snap(c!, "34-minutes-in-the-document");

    // Bob, the guest, unfolds the transcript and clicks the timestamp of Carol's line: her recording plays from that moment.
    await b!.getByTestId("editor").getByRole("button", { name: /^Transcript · \d+ lines/ }).click();
    const carolsLine = b!.getByTestId("editor").locator(".fold-body p").filter({ has: b!.locator("strong", { hasText: "Carol:" }) }).first();
    const stamp = carolsLine.locator("a").first();
    const href = (await stamp.getAttribute("href"))!;
    expect(href).toMatch(/\/api\/meetings\/[\w-]+\/recordings\/[\w.-]+\.ogg#t=\d+$/);
    const at = Number(/#t=(\d+)$/.exec(href)![1]);
    await stamp.click();
    const audio = b!.getByTestId("recording-audio");
    await expect(b!.getByTestId("recording-player")).toContainText(`Playing ${(await stamp.textContent())!} · Carol`);
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => ({ playing: !el.paused && el.readyState >= 2, src: el.currentSrc })), { timeout: 15_000 })
      .toEqual({ playing: true, src: expect.stringMatching(/\/recordings\/[\w.-]+\.ogg$/) });
    const time = await audio.evaluate((el: HTMLAudioElement) => el.currentTime);
    expect(time).toBeGreaterThanOrEqual(at - 0.25);
    expect(time).toBeLessThan(at + 4);
    // Still playing a moment later: time moves on from the timestamp.
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 5_000 }).toBeGreaterThan(time);
    await snap(b!, "35-minutes-timestamp-playing");
  } finally {
    await Promise.all(browsers.map((br) => br.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
