import { z } from "zod";
import type { TranscriptLine } from "@confer/shared";
import type { Logger } from "../logger.ts";
import { clock } from "./extract/transcript.ts";
import { matchAttendee, type Attendee } from "./extract/people.ts";
import type { Extraction } from "./extract/minutes.ts";

/** Longest transcript sent to a model, in characters (the rest is cut, the offline result stands for it). */
const MAX_PROMPT_CHARS = 60_000;
const TIMEOUT_MS = 120_000;

/** Settings of an OpenAI-compatible chat endpoint. */
export interface LlmSettings {
  url: string;
  apiKey: string | undefined;
  model: string;
}

/** What the model must answer, and what is checked before it is used. */
const Answer = z.object({
  summary: z.string().min(1).max(4000),
  decisions: z.array(z.string().min(1).max(500)).max(50),
  actionItems: z.array(z.object({ assignee: z.string().nullable(), text: z.string().min(1).max(500), due: z.string().max(100).nullable() })).max(100),
});

const SCHEMA = {
  name: "minutes",
  strict: true,
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["summary", "decisions", "actionItems"],
    properties: {
      summary: { type: "string" },
      decisions: { type: "array", items: { type: "string" } },
      actionItems: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["assignee", "text", "due"],
          properties: { assignee: { type: ["string", "null"] }, text: { type: "string" }, due: { type: ["string", "null"] } },
        },
      },
    },
  },
};

/** The chat completions endpoint of a base URL. */
export const chatUrl = (base: string) => (base.endsWith("/chat/completions") ? base : base.endsWith("/v1") ? `${base}/chat/completions` : `${base}/v1/chat/completions`);

/**
 * Asks an OpenAI-compatible model for the summary, decisions and action items under a strict JSON
 * schema. Assignees are matched to attendees like the offline rules do (nobody rather than a wrong
 * person). Any failure (unreachable, bad JSON, schema) returns undefined: the offline result stands.
 */
export async function llmExtraction(settings: LlmSettings, transcript: TranscriptLine[], attendees: Attendee[], log: Logger): Promise<Extraction | undefined> {
  const text = transcript.map((l) => `[${clock(l.start)}] ${l.speaker.name}: ${l.text}`).join("\n").slice(0, MAX_PROMPT_CHARS);
  const people = attendees.map((a) => `${a.name} (${a.company}${a.external ? ", external" : ""})`).join("; ");
  const body = {
    model: settings.model,
    temperature: 0,
    response_format: { type: "json_schema", json_schema: SCHEMA },
    messages: [
      {
        role: "system",
        content:
          "You write meeting minutes. From the transcript, give a summary of a few sentences, the decisions made, and the action items. " +
          "An action item's assignee is exactly one attendee's full name as listed, or null when unclear; due is the deadline as said, or null. Answer only with JSON.",
      },
      { role: "user", content: `Attendees: ${people}\n\nTranscript:\n${text}` },
    ],
  };
  try {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
    const res = await fetch(chatUrl(settings.url), { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`answered ${res.status}`);
    const json = (await res.json()) as { choices?: { message?: { content?: string } }[] };
    const answer = Answer.parse(JSON.parse(json.choices?.[0]?.message?.content ?? ""));
    return {
      summary: answer.summary.trim(),
      decisions: answer.decisions.map((d) => d.trim()),
      actionItems: answer.actionItems.map((a) => ({ assignee: a.assignee ? matchAttendee(a.assignee, attendees) : null, text: a.text.trim(), due: a.due?.trim() || null })),
    };
  } catch (err) {
    log.warn({ err: (err as Error).message }, "the minutes model failed; using the offline minutes");
    return undefined;
  }
}
