import { afterAll, describe, expect, it } from "vitest";
import { signup, startTestServer } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
const start = async (env: Record<string, string>) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};

/** A sign-in through a proxy: the client claims `spoofed`, the proxy appends the address it saw. */
function login(url: string, email: string, password: string, forwardedFor?: string) {
  const headers: Record<string, string> = { "content-type": "application/json", origin: url };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  return fetch(`${url}/api/auth/login`, { method: "POST", headers, body: JSON.stringify({ email, password }) });
}
const randomIp = (i: number) => `198.18.${i % 250}.${(i * 7) % 250}`;

/**
 * 25 wrong passwords at once, each claiming a new address before the one the proxy saw. Each tries
 * another account, so only the per-client limit (not the per-account one) can stop them.
 */
async function spoofedAttack(url: string, realClient: string): Promise<number[]> {
  const res = await Promise.all(Array.from({ length: 25 }, (_, i) => login(url, `guess${i}@nowhere.test`, "wrong password", `${randomIp(i)}, ${realClient}`)));
  return res.map((r) => r.status);
}

/** 25 invalid invite tokens (cheap to check, limited by the same client key), each claiming a new address. */
async function spoofedGuessing(url: string, realClient: string): Promise<number[]> {
  const res = await Promise.all(
    Array.from({ length: 25 }, (_, i) => fetch(`${url}/api/invites/${"g".repeat(30)}${i}`, { headers: { "x-forwarded-for": `${randomIp(i)}, ${realClient}` } })),
  );
  return res.map((r) => r.status);
}

describe("TRUST_PROXY and the rate limits", () => {
  it("trusting one proxy hop: 25 wrong passwords with spoofed X-Forwarded-For are limited; another client is not", { timeout: 120_000 }, async () => {
    const server = await start({ TRUST_PROXY: "1" });
    const victim = await signup(server.url);
    const statuses = await spoofedAttack(server.url, "203.0.113.7");
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = await login(server.url, victim.email, "correct horse battery", `${randomIp(99)}, 203.0.113.7`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Wait a few minutes/);
    // Someone else behind the same proxy is a different client and signs in.
    expect((await login(server.url, victim.email, "correct horse battery", `${randomIp(1)}, 198.51.100.9`)).status).toBe(200);
  });

  it("trusting the proxy's subnet: the address it appended is the client, whatever came before", async () => {
    const server = await start({ TRUST_PROXY: "127.0.0.0/8" });
    const statuses = await spoofedGuessing(server.url, "203.0.113.7");
    expect(statuses.filter((s) => s === 404)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect((await spoofedGuessing(server.url, "198.51.100.9")).filter((s) => s === 429)).toHaveLength(5);
  });

  it("a client not coming through a trusted proxy is keyed by its own address, whatever it claims", async () => {
    const server = await start({ TRUST_PROXY: "10.0.0.0/8" });
    const statuses = await spoofedGuessing(server.url, "203.0.113.7");
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect((await spoofedGuessing(server.url, "198.51.100.9")).every((s) => s === 429)).toBe(true);
  });
});
