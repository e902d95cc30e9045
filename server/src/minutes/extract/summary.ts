import type { ActionItem, TranscriptLine } from "@confer/shared";
import { tokens } from "./actions.ts";
import { sentence } from "./decisions.ts";
import type { Attendee } from "./people.ts";

/** Sentences of the summary taken from what was said. */
const PICKED = 2;
/** Words that carry no topic. */
const STOP = new Set(
  "a an the and or but so to of in on at for with by from is are was were be been being it its this that these those i you he she we they me him her us them my your our their will would can could should shall do does did have has had not no yes okay ok um uh just like really very there here then than also about into over up down out if as what when where who how which all any some more most much many one two three well right think know going get got go".split(
    " ",
  ),
);

/** "Alice, Bob and Carol" */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * A short extractive summary: who met and for how long, the lines richest in the meeting's own
 * topic words (in the order they were said), and what was decided and assigned.
 */
export function offlineSummary(lines: TranscriptLine[], attendees: Attendee[], minutes: number, decisions: string[], actions: ActionItem[]): string {
  const out: string[] = [];
  const names = attendees.map((a) => a.name.split(/\s+/)[0]!);
  out.push(`${listNames(names) || "Nobody"} met for ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  const freq = new Map<string, number>();
  const content = (text: string) => tokens(text).filter((w) => w.length > 2 && !STOP.has(w));
  for (const l of lines) for (const w of content(l.text)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = lines
    .map((l, i) => {
      const ws = content(l.text);
      const score = ws.length < 4 ? 0 : ws.reduce((s, w) => s + (freq.get(w) ?? 0), 0) / Math.sqrt(ws.length);
      return { i, score, l };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, PICKED)
    .sort((a, b) => a.i - b.i);
  for (const s of scored) out.push(`${s.l.speaker.name.split(/\s+/)[0]}: “${sentence(s.l.text)}.”`);
  if (decisions.length) out.push(`${decisions.length === 1 ? "One decision was" : `${decisions.length} decisions were`} made: ${decisions[0]!.charAt(0).toLowerCase() + decisions[0]!.slice(1)}${decisions.length > 1 ? ", among others" : ""}.`);
  if (actions.length) out.push(`${actions.length === 1 ? "One action item was" : `${actions.length} action items were`} agreed.`);
  return out.join(" ");
}
