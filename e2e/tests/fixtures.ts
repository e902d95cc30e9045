import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test as base, expect, type Page } from "@playwright/test";
import { startMailbox, verifyToken, type Mailbox } from "../../server/tests/mailbox.ts";
import { LiveKitDouble } from "../../testing/livekit-double/src/index.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Where screenshots of the main screens are written, for people to look at. */
export const SCREENSHOTS = path.join(repoRoot, "e2e", "screenshots");

/**
 * A Confer server started as `pnpm start` starts it (built client, API and sync on one port), sending
 * its emails to a real SMTP server of the test's own (`mailbox`), as a deployment with SMTP_URL does.
 */
export class ServerProcess {
  child: ChildProcess | undefined;
  url = "";
  constructor(
    readonly dataDir: string,
    private readonly port: number,
    readonly mailbox: Mailbox,
    /** Extra settings, e.g. LIVEKIT_* to turn meetings on. */
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    const publicUrl = `http://localhost:${this.port}`;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: path.join(repoRoot, "server"),
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        LOG_LEVEL: "warn",
        PUBLIC_URL: publicUrl,
        SMTP_URL: this.mailbox.url,
        // Every person in these specs signs up from 127.0.0.1 on one server per worker; the per-address
        // sign-up limit itself is tested in server/tests (accounts, verification).
        SIGNUPS_PER_HOUR: "1000",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let out = "";
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const res = await fetch(`http://localhost:${this.port}/healthz`);
        if (res.ok) break;
      } catch {
        /* not up yet */
      }
      if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
      if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.url = publicUrl;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

/** A free TCP port on localhost. */
async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Worker options: `livekit: true` starts the LiveKit double and turns meetings on (see meetings.spec.ts). */
export interface WorkerOptions {
  livekit: boolean;
  /** Extra settings for this worker's server (e.g. TRANSCRIBE_URL for the minutes failure spec). */
  serverEnv: Record<string, string>;
}

export const test = base.extend<object, WorkerOptions & { server: ServerProcess; double: LiveKitDouble | undefined }>({
  livekit: [false, { option: true, scope: "worker" }],
  serverEnv: [{}, { option: true, scope: "worker" }],
  /**
   * A LiveKit test double (testing/livekit-double) when `livekit` is set: the real livekit-client
   * in the page connects to it, and it signs webhooks to the server as LiveKit does.
   */
  double: [
    async ({ livekit }, use) => {
      if (!livekit) return use(undefined);
      const double = await LiveKitDouble.start({ departureMs: 500 });
      await use(double);
      await double.close();
    },
    { scope: "worker" },
  ],
  server: [
    async ({ double, serverEnv }, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-e2e-"));
      const mailbox = await startMailbox();
      const port = await freePort();
      const env: Record<string, string> = { ...(double ? { LIVEKIT_URL: double.url, LIVEKIT_API_KEY: double.apiKey, LIVEKIT_API_SECRET: double.apiSecret } : {}), ...serverEnv };
      const server = new ServerProcess(dataDir, port, mailbox, env);
      await server.start();
      if (double) double.webhooks.url = `http://127.0.0.1:${port}/api/livekit/webhook`;
      currentMailbox = mailbox;
      await use(server);
      await server.stop();
      await mailbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});
export { expect };

/** The mailbox of this worker's server: where its confirmation emails arrive. */
let currentMailbox: Mailbox | undefined;

let n = 0;
/**
 * A unique person for one test, with an address at their company's own domain: people of one
 * company who confirm their addresses share its organisation.
 */
export function person(name: string, company: string) {
  n++;
  const domain = `${company.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.test`;
  return { name, company, email: `${name.toLowerCase()}.${Date.now()}.${n}@${domain}`, password: "correct horse battery" };
}

/** Signs up through the form and follows the link in the confirmation email, as a person would. */
export async function signUp(page: Page, who: ReturnType<typeof person>, opts: { snapshot?: string } = {}): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByLabel("Company").fill(who.company);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.getByText(who.email)).toBeVisible();
  if (opts.snapshot) await snap(page, `${opts.snapshot}-check-email`);
  const token = verifyToken(await currentMailbox!.next(who.email, { match: /\/verify\// }));
  await page.goto(`/verify/${token}`);
  if (opts.snapshot) await snap(page, `${opts.snapshot}-confirm`);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.getByRole("button", { name: "New document" })).toBeVisible();
}

/** Signs in through the form. */
export async function signIn(page: Page, who: ReturnType<typeof person>): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "New document" })).toBeVisible();
}

/** Saves a screenshot of the page under e2e/screenshots. */
export async function snap(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
