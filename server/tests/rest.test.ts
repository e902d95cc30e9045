import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDoc, signup, startTestServer, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice", company: "Acme" });
});
afterAll(() => server.close());

const expectError = (res: { status: number; json: any; text: string }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.json.error.id).toEqual(expect.any(String));
  expect(res.json.error.message).toEqual(expect.any(String));
  expect(res.text).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
};

describe("accounts", () => {
  it("signs up with a session cookie that is httpOnly and SameSite", async () => {
    const res = await api(server.url, "POST", "/api/auth/signup", {
      body: { name: "Carol", email: "carol@example.com", password: "long enough", company: "Initech" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: "Carol", email: "carol@example.com", company: "Initech", emailVerified: false });
    expect(res.json).not.toHaveProperty("password_hash");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^confer_sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http on localhost
    const me = await api(server.url, "GET", "/api/me", { cookie: cookie.split(";")[0] });
    expect(me.json).toMatchObject({ name: "Carol", company: "Initech" });
  });

  it("refuses bad sign-up input with a 4xx that says what is wrong, and creates nothing", async () => {
    expectError(await api(server.url, "POST", "/api/auth/signup", { body: { name: "", email: "x@y.z", password: "longenough", company: "A" } }), 400);
    expectError(await api(server.url, "POST", "/api/auth/signup", { body: { name: "X", email: "not-an-email", password: "longenough", company: "A" } }), 400);
    const short = await api(server.url, "POST", "/api/auth/signup", { body: { name: "X", email: "x@y.io", password: "short", company: "A" } });
    expectError(short, 400);
    expect(short.json.error.message).toMatch(/at least 8/);
    expectError(await api(server.url, "POST", "/api/auth/signup", { body: "{not json" }), 400);
    expectError(await api(server.url, "POST", "/api/auth/signup", { body: [1, 2] }), 400);
    expect(await server.services.users.countUnconfirmed("x@y.io")).toBe(0);
    const login = await api(server.url, "POST", "/api/auth/login", { body: { email: "x@y.io", password: "short" } });
    expectError(login, 401);
  });

  it("signs in and out; a wrong password is a 401", async () => {
    expectError(await api(server.url, "POST", "/api/auth/login", { body: { email: alice.email, password: "wrong password" } }), 401);
    const ok = await api(server.url, "POST", "/api/auth/login", { body: { email: alice.email, password: "correct horse battery" } });
    expect(ok.status).toBe(200);
    const cookie = (ok.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await api(server.url, "GET", "/api/me", { cookie })).status).toBe(200);
    expect((await api(server.url, "POST", "/api/auth/logout", { cookie })).status).toBe(200);
    expectError(await api(server.url, "GET", "/api/me", { cookie }), 401);
  });

  it("refuses state-changing requests from another site", async () => {
    const res = await api(server.url, "POST", "/api/docs", { cookie: alice.cookie, body: { title: "x" }, origin: "https://evil.example" });
    expectError(res, 403);
    expect(res.json.error.id).toBe("bad_origin");
    const list = await api(server.url, "GET", "/api/docs", { cookie: alice.cookie });
    expect(list.json.docs.map((d: { title: string }) => d.title)).not.toContain("x");
  });

  it("answers unknown API paths and unauthenticated calls with JSON errors", async () => {
    expectError(await api(server.url, "GET", "/api/nope", { cookie: alice.cookie }), 404);
    expectError(await api(server.url, "GET", "/api/docs"), 401);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("documents", () => {
  it("creates, lists by last edit, renames and deletes", async () => {
    const user = await signup(server.url);
    const first = await createDoc(server.url, user, "First");
    const second = await createDoc(server.url, user, "Second");
    let list = await api(server.url, "GET", "/api/docs", { cookie: user.cookie });
    expect(list.json.docs.map((d: { id: string }) => d.id)).toEqual([second, first]);
    const renamed = await api(server.url, "PATCH", `/api/docs/${first}`, { cookie: user.cookie, body: { title: "First, renamed" } });
    expect(renamed.json).toMatchObject({ id: first, title: "First, renamed", role: "owner" });
    list = await api(server.url, "GET", "/api/docs", { cookie: user.cookie });
    expect(list.json.docs.map((d: { id: string }) => d.id)).toEqual([first, second]);
    expect((await api(server.url, "DELETE", `/api/docs/${first}`, { cookie: user.cookie })).status).toBe(200);
    expectError(await api(server.url, "GET", `/api/docs/${first}`, { cookie: user.cookie }), 404);
  });

  it("an untitled document gets a default title; titles are stored as given text", async () => {
    const res = await api(server.url, "POST", "/api/docs", { cookie: alice.cookie, body: {} });
    expect(res.json.title).toBe("Untitled");
    const html = await api(server.url, "POST", "/api/docs", { cookie: alice.cookie, body: { title: "<img src=x onerror=alert(1)>" } });
    expect(html.json.title).toBe("<img src=x onerror=alert(1)>");
    expectError(await api(server.url, "POST", "/api/docs", { cookie: alice.cookie, body: { title: "x".repeat(500) } }), 400);
  });

  it("only the owner may see, rename or delete a document", async () => {
    const docId = await createDoc(server.url, alice, "Private");
    const bob = await signup(server.url, { name: "Bob", company: "Globex" });
    expectError(await api(server.url, "GET", `/api/docs/${docId}`, { cookie: bob.cookie }), 404);
    expectError(await api(server.url, "PATCH", `/api/docs/${docId}`, { cookie: bob.cookie, body: { title: "mine" } }), 404);
    expectError(await api(server.url, "DELETE", `/api/docs/${docId}`, { cookie: bob.cookie }), 404);
    const list = await api(server.url, "GET", "/api/docs", { cookie: bob.cookie });
    expect(list.json.docs).toEqual([]);
    expect((await api(server.url, "GET", `/api/docs/${docId}`, { cookie: alice.cookie })).json.title).toBe("Private");
  });
});
