import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { SCHEMA_VERSION, SCHEMA_VERSION_PARAM } from "@confer/shared";
import { startServer, loadConfig, createLogger, type ConferServer } from "../src/index.ts";
import { startMailbox, verifyToken, type Mailbox } from "./mailbox.ts";
import { databaseFor, dropDatabase, onPostgres } from "./testDatabase.ts";

/** A fresh, empty data directory under the OS temp dir. */
export function tempDir(prefix = "confer-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts an in-process server on port 0 with its own data directory; with TEST_DATABASE=postgres
 * also its own PostgreSQL database (the same one again for the same data directory). Closing it
 * removes both.
 */
export async function startTestServer(env: Record<string, string> = {}, dataDir = tempDir()): Promise<ConferServer & { dataDir: string }> {
  // A DATA_DIR given in `env` outlives this server (a restart finds it again), and so does its database.
  const ownsData = !env.DATA_DIR && !env.DATABASE_URL;
  const databaseUrl = env.DATABASE_URL ?? (onPostgres ? await databaseFor(env.DATA_DIR ?? dataDir) : undefined);
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const server = await startServer(config, createLogger(process.env.TEST_LOG_LEVEL ?? "silent"));
  const close = server.close;
  return Object.assign(server, {
    dataDir,
    close: async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl && ownsData) await dropDatabase(databaseUrl);
    },
  });
}

/** Servers with PUBLIC_URL set expect it as the Origin of browser requests; `api()` sends it. */
const publicOrigins = new Map<string, string>();
/** The mailbox each mail-enabled test server sends to, by server URL. */
const mailboxes = new Map<string, Mailbox>();

/** The public URL of mail-enabled test servers: links in their emails start with it. */
export const TEST_PUBLIC_URL = "http://confer.test";

/**
 * A server that proves addresses by email: SMTP_URL points at a real SMTP server started for it
 * (`server.mailbox` holds what it sent). `signup()` against it follows the emailed link.
 */
export async function startMailServer(env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof startTestServer>> & { mailbox: Mailbox }> {
  const mailbox = await startMailbox();
  const server = await startTestServer({ SMTP_URL: mailbox.url, PUBLIC_URL: TEST_PUBLIC_URL, MAIL_FROM: "Confer <confer@confer.test>", ...env });
  publicOrigins.set(server.url, TEST_PUBLIC_URL);
  mailboxes.set(server.url, mailbox);
  const close = server.close;
  return Object.assign(server, {
    mailbox,
    close: async () => {
      await close();
      await mailbox.close();
      publicOrigins.delete(server.url);
      mailboxes.delete(server.url);
    },
  });
}

let counter = 0;

/** A signed-up person with their session cookie. */
export interface TestUser {
  id: string;
  name: string;
  email: string;
  company: string;
  cookie: string;
}

/** Calls the REST API like a same-origin browser page would. */
export async function api(baseUrl: string, method: string, pathname: string, opts: { cookie?: string; body?: unknown; origin?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin !== null) headers.origin = opts.origin ?? publicOrigins.get(baseUrl) ?? baseUrl;
  const res = await fetch(baseUrl + pathname, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    redirect: "manual",
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as any, text, headers: res.headers };
}

/** A test email domain for a company: people of one company share it (and, proven, its organisation). */
export const companyDomain = (company: string) => `${company.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-")}.test`;

/**
 * Signs up a new person (unique email at their company's domain) and returns them with their
 * cookie. On a mail-enabled server it follows the link in the confirmation email, as a person would.
 */
export async function signup(baseUrl: string, fields: Partial<{ name: string; email: string; company: string; password: string }> = {}): Promise<TestUser> {
  const n = ++counter;
  const company = fields.company ?? "Acme";
  const body = {
    name: fields.name ?? `Person ${n}`,
    email: fields.email ?? `person${n}.${process.pid}.${Date.now()}@${companyDomain(company)}`,
    company,
    password: fields.password ?? "correct horse battery",
  };
  let res = await api(baseUrl, "POST", "/api/auth/signup", { body });
  const mailbox = mailboxes.get(baseUrl);
  if (res.status === 202 && mailbox) {
    const token = verifyToken(await mailbox.next(body.email, { match: /\/verify\// }));
    res = await api(baseUrl, "POST", "/api/auth/verify", { body: { token } });
    if (res.status !== 200) throw new Error(`confirming failed: ${res.status} ${res.text}`);
  } else if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  return { id: res.json.id, name: body.name, email: body.email, company: res.json.company, cookie };
}

/** Creates a document as `user` and returns its id. */
export async function createDoc(baseUrl: string, user: TestUser, title = "Test doc"): Promise<string> {
  const res = await api(baseUrl, "POST", "/api/docs", { cookie: user.cookie, body: { title } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json.id;
}

/**
 * The query a test client adds to a sync URL to announce the current schema version, as the editor
 * does: without it the server takes the client for version 1 and keeps it read-only.
 */
export const SCHEMA_QUERY = `${SCHEMA_VERSION_PARAM}=${SCHEMA_VERSION}`;

/** A `ws` WebSocket class that sends a cookie (and optionally an Origin), for the stock provider. */
export function socketWith(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  } as unknown as typeof WebSocket;
}

/** A stock y-websocket client connected to a document. */
export function connect(baseUrl: string, docId: string, cookie: string | undefined, extraHeaders: Record<string, string> = {}) {
  const doc = new Y.Doc();
  const headers: Record<string, string> = { ...extraHeaders };
  if (cookie) headers.cookie = cookie;
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, "ws") + "/collab", docId, doc, {
    WebSocketPolyfill: socketWith(headers) as never,
    disableBc: true,
    params: { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) },
  });
  const closes: number[] = [];
  provider.on("connection-close", (event) => {
    if (event) closes.push(event.code);
  });
  return {
    doc,
    provider,
    closes,
    text: doc.getText("t"),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/**
 * Tries a WebSocket upgrade to a document and returns the HTTP status it got: 101 when admitted
 * (the socket is closed again), else the refusal (401, 403, 404...).
 */
export async function upgradeStatus(baseUrl: string, docId: string, cookie?: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${docId}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
  return new Promise<number>((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.close();
    });
    ws.once("error", (err) => reject(err));
  });
}

/** Waits until `check` returns truthy, polling; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once the provider has finished its first sync. */
export async function synced(provider: WebsocketProvider): Promise<void> {
  await waitFor(() => provider.synced, "sync");
}

const serverMain = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/**
 * The server as its own process (for crash tests), started like `pnpm start` does. With
 * TEST_DATABASE=postgres it uses the data directory's database (dropped by the global teardown).
 */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const databaseUrl = env.DATABASE_URL ?? (onPostgres ? await databaseFor(dataDir) : undefined);
  const child = spawn(process.execPath, ["--import", "tsx", serverMain], {
    cwd: path.dirname(serverMain),
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info", ...env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not handed to the caller, so nobody else would stop it.
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${out}`));
    }, 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  // Everything the process printed so far (its logs), from its first line on.
  return { url, child, output: () => out };
}
