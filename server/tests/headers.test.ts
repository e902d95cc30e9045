import http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
const start = async (env: Record<string, string> = {}) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};

/** GET with exactly these headers (Host included), returning the response headers. */
function headersOf(server: Server, path: string, headers: Record<string, string> = {}): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: server.port, path, headers: { host: `localhost:${server.port}`, ...headers } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.headers));
    });
    req.on("error", reject);
  });
}
const directive = (h: http.IncomingHttpHeaders, name: string) =>
  String(h["content-security-policy"])
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe("security headers", () => {
  it("over plain http: connect-src names only this host's ws endpoint, and no HSTS", async () => {
    const server = await start();
    for (const path of ["/healthz", "/api/me", "/api/nope"]) {
      const h = await headersOf(server, path);
      expect(directive(h, "connect-src")).toBe(`connect-src 'self' ws://localhost:${server.port}`);
      expect(h["strict-transport-security"]).toBeUndefined();
    }
    // Nobody's word is taken for https without TRUST_PROXY.
    const spoofed = await headersOf(server, "/healthz", { "x-forwarded-proto": "https" });
    expect(spoofed["strict-transport-security"]).toBeUndefined();
    expect(directive(spoofed, "connect-src")).toBe(`connect-src 'self' ws://localhost:${server.port}`);
  });

  it("with an https PUBLIC_URL: wss of that host only, and HSTS", async () => {
    const server = await start({ PUBLIC_URL: "https://docs.example.com/" });
    const h = await headersOf(server, "/healthz");
    expect(directive(h, "connect-src")).toBe("connect-src 'self' wss://docs.example.com");
    expect(h["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("with an http PUBLIC_URL: ws of that host, no HSTS", async () => {
    const server = await start({ PUBLIC_URL: "http://intranet.local:8080" });
    const h = await headersOf(server, "/healthz");
    expect(directive(h, "connect-src")).toBe("connect-src 'self' ws://intranet.local:8080");
    expect(h["strict-transport-security"]).toBeUndefined();
  });

  it("behind a trusted proxy that reports https: wss and HSTS; plain http through it: neither", async () => {
    const server = await start({ TRUST_PROXY: "1" });
    const secure = await headersOf(server, "/healthz", { "x-forwarded-proto": "https" });
    expect(directive(secure, "connect-src")).toBe(`connect-src 'self' wss://localhost:${server.port}`);
    expect(secure["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    const plain = await headersOf(server, "/healthz", { "x-forwarded-proto": "http" });
    expect(plain["strict-transport-security"]).toBeUndefined();
    expect(directive(plain, "connect-src")).toBe(`connect-src 'self' ws://localhost:${server.port}`);
  });

  it("never lets a Host header write into the policy, and never allows bare ws: or wss:", async () => {
    const server = await start();
    const h = await headersOf(server, "/healthz", { host: "evil.example; script-src *" });
    expect(directive(h, "connect-src")).toBe("connect-src 'self'");
    expect(String(h["content-security-policy"])).not.toContain("evil.example");
    expect(directive(h, "script-src")).toBe("script-src 'self'");
    for (const d of String(h["content-security-policy"]).split(";")) expect(d.trim().split(" ")).not.toEqual(expect.arrayContaining(["ws:", "wss:"]));
  });
});
