import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test as base, expect, type Page } from "@playwright/test";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Where screenshots of the main screens are written, for people to look at. */
export const SCREENSHOTS = path.join(repoRoot, "e2e", "screenshots");

/** A Confer server started as `pnpm start` starts it (built client, API and sync on one port). */
export class ServerProcess {
  child: ChildProcess | undefined;
  url = "";
  constructor(
    readonly dataDir: string,
    private readonly port: number,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: path.join(repoRoot, "server"),
      env: { ...process.env, PORT: String(this.port), HOST: "127.0.0.1", DATA_DIR: this.dataDir, LOG_LEVEL: "warn" },
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
    this.url = `http://localhost:${this.port}`;
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

export const test = base.extend<object, { server: ServerProcess }>({
  server: [
    async ({}, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-e2e-"));
      const server = new ServerProcess(dataDir, await freePort());
      await server.start();
      await use(server);
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});
export { expect };

let n = 0;
/** A unique person for one test. */
export function person(name: string, company: string) {
  n++;
  return { name, company, email: `${name.toLowerCase()}.${Date.now()}.${n}@example.com`, password: "correct horse battery" };
}

/** Signs up through the form, as a person would. */
export async function signUp(page: Page, who: ReturnType<typeof person>): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByLabel("Company").fill(who.company);
  await page.getByRole("button", { name: "Sign up" }).click();
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
