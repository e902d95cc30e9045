import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { yXmlFragmentToProsemirrorJSON } from "y-prosemirror";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import type { Minutes } from "../extract/minutes.ts";
import { minutesBlocks } from "./blocks.ts";
import { writeCard } from "../../../tests/minutesHelpers.ts";
import { MEETING_CARD, writeMinutes } from "./writeMinutes.ts";

const minutes: Minutes = {
  meetingId: "meet1",
  startedAt: "2026-12-03T08:00:00.000Z",
  endedAt: "2026-12-03T08:25:00.000Z",
  durationMinutes: 25,
  attendees: [
    { userId: "o", name: "Olga Owner", company: "Acme", external: false, joinedAt: "2026-12-03T08:00:00.000Z", leftAt: "2026-12-03T08:25:00.000Z" },
    { userId: "p", name: "Priya Okafor", company: "Globex", external: true, joinedAt: "2026-12-03T08:02:00.000Z", leftAt: null },
  ],
  summary: "Olga and Priya met for 25 minutes.",
  decisions: ["Launch in March"],
  actionItems: [{ assignee: { userId: "p", name: "Priya Okafor" }, text: "review the pricing", due: "Monday" }],
  transcript: [{ speaker: { userId: "o", name: "Olga Owner" }, start: 61, end: 63, text: "we decided to launch in march", recording: { file: "TR_a-1.ogg", at: 60 } }],
};
const ctx = { publicUrl: "https://confer.example", recordings: [{ file: "TR_a-1.ogg", speaker: "Olga Owner", startedAt: "2026-12-03T08:00:01.000Z", seconds: 1490 }] };

/** A document as the editor writes it: a paragraph, the meeting card, a paragraph. */
function docWithCard(meetingId: string): Y.Doc {
  const doc = new Y.Doc();
  writeCard(doc, meetingId, "Before the meeting", "After the card");
  return doc;
}

type Json = { type: string; attrs?: Record<string, unknown>; content?: Json[]; text?: string };
const read = (doc: Y.Doc) => yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(BODY_FRAGMENT)) as Json;
const textOf = (n: Json): string => n.text ?? (n.content ?? []).map(textOf).join("");

describe("writing the minutes into the document", () => {
  it("puts them right after the card, as schema-valid blocks, touching nothing else", () => {
    const doc = docWithCard("meet1");
    const blocks = minutesBlocks(minutes, ctx);
    expect(doc.transact(() => writeMinutes(doc, "meet1", blocks, "Meeting of …"))).toBe(true);
    const body = read(doc).content!;
    expect(textOf(body[0]!)).toBe("Before the meeting");
    expect(body[1]).toEqual({ type: MEETING_CARD.node, attrs: { meetingId: "meet1" } });
    expect(textOf(body[2]!)).toBe("Minutes · Thu, 3 Dec 2026 · 08:00–08:25 UTC (25 min)");
    expect(textOf(body[body.length - 1]!)).toBe("After the card");
    // What y-prosemirror reads back is a valid document of the shared schema.
    const minutesPart = schema.nodeFromJSON({ type: "doc", content: body.slice(2, -1) });
    minutesPart.check();
    const all = textOf({ type: "doc", content: body });
    expect(all).toContain("Priya Okafor · Globex · external — joined 08:02");
    expect(all).toContain("Priya: review the pricing — by Monday");
    const task = body.find((b) => b.type === "task_list")!;
    expect(task.content![0]!.attrs).toEqual({ checked: false });
  });

  it("puts the transcript in a collapsible block, folded for every reader, each timestamp playing the recording", () => {
    const doc = docWithCard("meet1");
    doc.transact(() => writeMinutes(doc, "meet1", minutesBlocks(minutes, ctx), "x"));
    const body = read(doc).content!;
    // The transcript is the last block of the minutes, right before what followed the card.
    const fold = body[body.length - 2]!;
    expect(fold.type).toBe("details");
    // Folded: whether it is open is no attribute of the document, so nobody's page opens it.
    expect(fold.attrs ?? {}).toEqual({});
    const [summary, ...lines] = fold.content!;
    expect(summary).toEqual({ type: "details_summary", content: [{ type: "text", text: "Transcript · 1 line · 25 min" }] });
    expect(lines.map(textOf)).toEqual(["01:01 Olga Owner: we decided to launch in march"]);
    expect(lines[0]!.content![0]).toMatchObject({ text: "01:01", marks: [{ type: "link", attrs: { href: "https://confer.example/api/meetings/meet1/recordings/TR_a-1.ogg#t=60" } }] });
    // Nothing of the transcript is outside the fold.
    const outside = textOf({ type: "doc", content: body.filter((b) => b !== fold) });
    expect(outside).not.toContain("we decided to launch in march");
  });

  it("says inside the fold why there is no transcript", () => {
    const doc = docWithCard("meet1");
    doc.transact(() => writeMinutes(doc, "meet1", minutesBlocks({ ...minutes, transcript: [] }, { ...ctx, transcriptNote: "No speech engine is installed." }), "x"));
    const fold = read(doc).content!.find((b) => b.type === "details")!;
    expect(fold.content!.map(textOf)).toEqual(["Transcript · 0 lines · 25 min", "No speech engine is installed."]);
  });

  it("writes once: a second write (retry, replay, restart) changes nothing", () => {
    const doc = docWithCard("meet1");
    const blocks = minutesBlocks(minutes, ctx);
    doc.transact(() => writeMinutes(doc, "meet1", blocks, "x"));
    const before = Y.encodeStateVector(doc);
    expect(doc.transact(() => writeMinutes(doc, "meet1", minutesBlocks(minutes, ctx), "x"))).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    // A fresh replica that received the first write sees the mark too.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect(writeMinutes(replica, "meet1", blocks, "x")).toBe(false);
  });

  it("goes to the end under a heading naming the meeting when the card was deleted", () => {
    const doc = docWithCard("another-meeting");
    doc.transact(() => writeMinutes(doc, "meet1", minutesBlocks(minutes, ctx), "Meeting of Thu, 3 Dec 2026 at 08:00 UTC, started by Olga Owner"));
    const body = read(doc).content!;
    expect(body.slice(0, 3).map(textOf)).toEqual(["Before the meeting", "", "After the card"]);
    expect(body[3]).toMatchObject({ type: "heading", attrs: { level: 2 } });
    expect(textOf(body[3]!)).toBe("Meeting of Thu, 3 Dec 2026 at 08:00 UTC, started by Olga Owner");
    expect(textOf(body[4]!)).toMatch(/^Minutes · /);
  });

  it("finds a card nested in another block", () => {
    const doc = new Y.Doc();
    const quote = new Y.XmlElement("blockquote");
    const card = new Y.XmlElement(MEETING_CARD.node);
    card.setAttribute(MEETING_CARD.attr, "meet1");
    quote.insert(0, [card]);
    doc.getXmlFragment(BODY_FRAGMENT).insert(0, [quote]);
    doc.transact(() => writeMinutes(doc, "meet1", minutesBlocks(minutes, ctx), "x"));
    const inner = read(doc).content![0]!.content!;
    expect(inner[0]!.type).toBe(MEETING_CARD.node);
    expect(textOf(inner[1]!)).toMatch(/^Minutes · /);
  });

  it("without a public URL the minutes carry no links (the schema has no relative links)", () => {
    const blocks = minutesBlocks(minutes, { ...ctx, publicUrl: undefined });
    expect(JSON.stringify(blocks.map((b) => b.toJSON()))).not.toContain('"link"');
  });
});

describe("the recording block", () => {
  it("one entry per person; a person recorded in parts has their parts as numbered links, in time order", () => {
    const part = (n: number, startedAt: string) => ({ file: `TR_o-${n}.ogg`, speaker: "Olga Owner", speakerId: "o", startedAt, seconds: 122 });
    const blocks = minutesBlocks(minutes, {
      publicUrl: "https://confer.example",
      recordings: [part(3, "2026-12-03T08:04:00.000Z"), part(1, "2026-12-03T08:00:00.000Z"), { file: "TR_p-2.ogg", speaker: "Priya Okafor", speakerId: "p", startedAt: "2026-12-03T08:02:00.000Z", seconds: 90 }, part(2, "2026-12-03T08:02:00.000Z")],
    }).map((b) => b.toJSON() as Json & { content?: (Json & { marks?: { attrs: { href: string } }[] })[] });
    const list = blocks[blocks.findIndex((b) => b.type === "heading" && textOf(b) === "Recording") + 1]!;
    expect(list.content!.map(textOf)).toEqual(["Olga Owner — from 08:00, 06:02 in 3 parts: 1 · 2 · 3", "Priya Okafor — from 08:02, 01:30"]);
    const links = (item: Json) => (item.content![0]!.content as { text: string; marks?: { attrs: { href: string } }[] }[]).filter((t) => t.marks).map((t) => [t.text, t.marks![0]!.attrs.href.split("/").pop()]);
    expect(links(list.content![0]!)).toEqual([
      ["1", "TR_o-1.ogg"],
      ["2", "TR_o-2.ogg"],
      ["3", "TR_o-3.ogg"],
    ]);
    expect(links(list.content![1]!)).toEqual([["Priya Okafor — from 08:02, 01:30", "TR_p-2.ogg"]]);
  });
});
