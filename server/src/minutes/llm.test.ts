import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { chatUrl, llmExtraction } from "./llm.ts";

let server: http.Server;
let base: string;
let reply: (body: Record<string, unknown>, res: http.ServerResponse) => void = () => undefined;
const seen: Record<string, unknown>[] = [];
const log = pino({ level: "silent" });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ ...body, path: req.url, authorization: req.headers.authorization });
      reply(body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const attendees = [
  { userId: "b", name: "Bob Baker", company: "Acme", external: false, joinedAt: "2026-12-03T08:00:00Z", leftAt: null },
  { userId: "p", name: "Priya Okafor", company: "Globex", external: true, joinedAt: "2026-12-03T08:00:00Z", leftAt: null },
];
const transcript = [{ speaker: { userId: "b", name: "Bob Baker" }, start: 3, end: 5, text: "i will send the contract by friday" }];
const answer = (content: string) => (_: unknown, res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ choices: [{ message: { content } }] }));

describe("the minutes model", () => {
  it("asks an OpenAI-compatible chat endpoint under a strict JSON schema; assignees are matched to attendees", async () => {
    reply = answer(
      JSON.stringify({
        summary: "Bob will send the contract.",
        decisions: ["Ship in March"],
        actionItems: [
          { assignee: "Bob Baker", text: "send the contract", due: "Friday" },
          { assignee: "Carol", text: "book a room", due: null },
        ],
      }),
    );
    const out = await llmExtraction({ url: `${base}/v1`, apiKey: "k", model: "m" }, transcript, attendees, log);
    expect(out).toEqual({
      summary: "Bob will send the contract.",
      decisions: ["Ship in March"],
      actionItems: [
        { assignee: { userId: "b", name: "Bob Baker" }, text: "send the contract", due: "Friday" },
        { assignee: null, text: "book a room", due: null },
      ],
    });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ path: "/v1/chat/completions", authorization: "Bearer k", model: "m", response_format: { type: "json_schema" } });
    expect(JSON.stringify(req.messages)).toContain("[00:03] Bob Baker: i will send the contract by friday");
  });

  it("any failure gives undefined, so the offline minutes stand", async () => {
    reply = answer("not json");
    expect(await llmExtraction({ url: base, apiKey: undefined, model: "m" }, transcript, attendees, log)).toBeUndefined();
    reply = answer(JSON.stringify({ summary: "", decisions: [], actionItems: [] }));
    expect(await llmExtraction({ url: base, apiKey: undefined, model: "m" }, transcript, attendees, log)).toBeUndefined();
    reply = (_, res) => res.writeHead(503).end();
    expect(await llmExtraction({ url: base, apiKey: undefined, model: "m" }, transcript, attendees, log)).toBeUndefined();
    expect(await llmExtraction({ url: "http://127.0.0.1:9", apiKey: undefined, model: "m" }, transcript, attendees, log)).toBeUndefined();
    expect(chatUrl("https://api.example/v1/chat/completions")).toBe("https://api.example/v1/chat/completions");
  });
});
