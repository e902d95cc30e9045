import { schema } from "@confer/shared/schema";
import { actionText } from "../extract/actions.ts";
import { shortName } from "../extract/people.ts";
import { clock } from "../extract/transcript.ts";
import type { Minutes } from "../extract/minutes.ts";

/** A ProseMirror node of the shared schema. */
export type PMNode = ReturnType<typeof schema.nodeFromJSON>;
type Json = Record<string, unknown>;

/** Transcript lines written into the document at most (a long meeting's full transcript stays in REST). */
export const MAX_TRANSCRIPT_LINES = 3000;

/** Where links in the minutes point (the server's public URL), and which recordings there are. */
export interface BlockContext {
  /** PUBLIC_URL; without it the minutes carry no links (a relative link is not a link in the schema). */
  publicUrl: string | undefined;
  /** Every recording file; a person's parts (a long meeting records in parts) share `speakerId`. */
  recordings: { file: string; speaker: string; speakerId?: string; startedAt: string; seconds: number | undefined }[];
  /** Set when the transcript could not be made (no engine installed): said in place of it. */
  transcriptNote?: string;
}

const text = (t: string, marks?: Json[]): Json => (marks ? { type: "text", text: t, marks } : { type: "text", text: t });
const strong = (t: string) => text(t, [{ type: "strong" }]);
const em = (t: string) => text(t, [{ type: "em" }]);
const link = (t: string, href: string) => text(t, [{ type: "link", attrs: { href, title: null } }]);
const para = (...inline: Json[]): Json => ({ type: "paragraph", content: inline.filter((i) => i.text !== "") });
const heading = (level: number, t: string): Json => ({ type: "heading", attrs: { level }, content: [text(t)] });
const bullets = (items: Json[][]): Json => ({ type: "bullet_list", content: items.map((inline) => ({ type: "list_item", content: [para(...inline)] })) });

const dateFmt = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
/** "08:05" (UTC) */
export const hhmm = (iso: string) => timeFmt.format(new Date(iso));

/** "Minutes · Thu, 3 Dec 2026 · 08:00–08:25 UTC (25 min)" */
export function minutesTitle(m: Pick<Minutes, "startedAt" | "endedAt" | "durationMinutes">): string {
  return `Minutes · ${dateFmt.format(new Date(m.startedAt))} · ${hhmm(m.startedAt)}–${hhmm(m.endedAt)} UTC (${m.durationMinutes} min)`;
}

/** The heading that names the meeting when its card is gone from the document. */
export function meetingHeading(m: Pick<Minutes, "startedAt">, startedBy: string): string {
  return `Meeting of ${dateFmt.format(new Date(m.startedAt))} at ${hhmm(m.startedAt)} UTC, started by ${startedBy}`;
}

/** A URL to one recording, at `at` seconds (a media fragment: browsers start playing there). */
export function recordingUrl(ctx: BlockContext, meetingId: string, file: string, at?: number): string | undefined {
  if (!ctx.publicUrl) return undefined;
  const base = `${ctx.publicUrl}/api/meetings/${encodeURIComponent(meetingId)}/recordings/${encodeURIComponent(file)}`;
  return at === undefined ? base : `${base}#t=${Math.max(0, Math.floor(at))}`;
}

/** The transcript's summary line: "Transcript · 42 lines · 12 min". */
export function transcriptSummary(m: Pick<Minutes, "transcript" | "durationMinutes">): string {
  const n = m.transcript.length;
  return `Transcript · ${n} ${n === 1 ? "line" : "lines"} · ${m.durationMinutes} min`;
}

type RecordingRef = BlockContext["recordings"][number];

/** The recordings by person, in the order they first spoke; each person's parts in time order. */
function bySpeaker(recordings: RecordingRef[]): RecordingRef[][] {
  const by = new Map<string, RecordingRef[]>();
  for (const r of [...recordings].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    const key = r.speakerId ?? r.speaker;
    by.set(key, [...(by.get(key) ?? []), r]);
  }
  return [...by.values()];
}

/**
 * One person's recording: "Olga Owner — from 08:05, 24:10" linking to the file, or for one
 * recorded in parts "Olga Owner — from 08:05, 24:10 in 12 parts: 1 · 2 · … · 12", each number a link.
 */
function recordingItem(ctx: BlockContext, meetingId: string, parts: RecordingRef[]): Json[] {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const span = last.seconds !== undefined ? (Date.parse(last.startedAt) - Date.parse(first.startedAt)) / 1000 + last.seconds : undefined;
  const label = `${first.speaker} — from ${hhmm(first.startedAt)}${span ? `, ${clock(span)}` : ""}`;
  if (parts.length === 1) {
    const href = recordingUrl(ctx, meetingId, first.file);
    return [href ? link(label, href) : text(label)];
  }
  const out: Json[] = [text(`${label} in ${parts.length} parts: `)];
  parts.forEach((p, i) => {
    const href = recordingUrl(ctx, meetingId, p.file);
    if (i > 0) out.push(text(" · "));
    out.push(href ? link(String(i + 1), href) : text(String(i + 1)));
  });
  return out;
}

/**
 * The minutes as blocks of the shared schema: title, attendees, summary, decisions, action items
 * (task items), recordings and the transcript. The transcript is a collapsible block (`details`),
 * which every reader sees folded until they open it; inside, one paragraph per line, each timestamp
 * a link that plays the speaker's recording from that moment.
 */
export function minutesBlocks(m: Minutes, ctx: BlockContext): PMNode[] {
  const blocks: Json[] = [heading(2, minutesTitle(m))];

  blocks.push(heading(3, "Attendees"));
  blocks.push(
    m.attendees.length
      ? bullets(
          m.attendees.map((a) => [
            strong(a.name),
            text(a.company ? ` · ${a.company}` : ""),
            ...(a.external ? [text(" · "), em("external")] : []),
            text(` — joined ${hhmm(a.joinedAt)}${a.leftAt ? `, left ${hhmm(a.leftAt)}` : ""}`),
          ]),
        )
      : para(em("Nobody joined.")),
  );

  blocks.push(heading(3, "Summary"), para(text(m.summary || "Nothing was said.")));

  blocks.push(heading(3, "Decisions"));
  blocks.push(m.decisions.length ? bullets(m.decisions.map((d) => [text(d)])) : para(em("No decisions were recorded.")));

  blocks.push(heading(3, "Action items"));
  blocks.push(
    m.actionItems.length
      ? {
          type: "task_list",
          content: m.actionItems.map((a) => ({
            type: "task_item",
            attrs: { checked: false },
            content: [para(text(actionText(a, a.assignee ? shortName(a.assignee, m.attendees) : undefined)))],
          })),
        }
      : para(em("No action items were recorded.")),
  );

  if (ctx.recordings.length) {
    blocks.push(heading(3, "Recording"));
    blocks.push(bullets(bySpeaker(ctx.recordings).map((parts) => recordingItem(ctx, m.meetingId, parts))));
  }

  const lines = m.transcript.length;
  const body: Json[] = [];
  if (lines === 0) {
    body.push(para(em(ctx.transcriptNote ?? "Nothing was transcribed.")));
  } else {
    const shown = m.transcript.slice(0, MAX_TRANSCRIPT_LINES);
    const more = lines - shown.length;
    for (const l of shown) {
      const href = l.recording && recordingUrl(ctx, m.meetingId, l.recording.file, l.recording.at);
      const stamp = clock(l.start);
      body.push(para(href ? link(stamp, href) : text(stamp), text(" "), strong(`${l.speaker.name}:`), text(` ${l.text}`)));
    }
    if (more > 0) body.push(para(em(`… and ${more} more lines: see the recordings.`)));
  }
  blocks.push({ type: "details", content: [{ type: "details_summary", content: [text(transcriptSummary(m))] }, ...body] });
  return blocks.map((b) => {
    const node = schema.nodeFromJSON(b);
    node.check();
    return node;
  });
}
