import type { ActionItem, Speaker, TranscriptLine } from "@confer/shared";
import { matchAttendee, type Attendee } from "./people.ts";

/** Words that, right after "will", make a clause a task. */
const ACTION_VERBS = new Set(
  "send share write prepare review update follow schedule book call email draft finish fix check set organise organize create deliver ship test order contact investigate look reach circulate file submit sign confirm arrange deploy publish get buy talk ask invite present plan run make put find draft clean move migrate document hire interview renew pay sort".split(
    " ",
  ),
);
/** Spoken forms that put a task on the person before them. */
const MODALS = ["is going to", "are going to", "am going to", "needs to", "need to", "has to", "have to", "can you", "could you", "will", "shall", "should", "must", "to"];
/** Contractions carrying their own subject and "will". */
const CONTRACTED = /^(i|we|you|he|she|they)'ll$/;
/** Subjects that name nobody in particular. */
const NOBODY = new Set(["we", "you", "they", "someone", "somebody", "everyone", "everybody", "he", "she", "us", "all"]);
/** Words that cannot be a subject (so "it will", "that will" are not tasks). */
const NOT_SUBJECT = new Set("it this that there which what who it's that's this is was be and or but so then also okay yes no".split(" "));
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const DUE_AFTER = new Set(["by", "before", "until", "on"]);

/** Lower case words of spoken text (apostrophes kept). */
export const tokens = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** A due date said at `i` ("friday", "end of the week", "next monday", "march 3rd"); its words and how many tokens it took. */
export function dueAt(ts: string[], i: number): { due: string; length: number } | undefined {
  const t = ts[i];
  if (!t) return undefined;
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  if (WEEKDAYS.includes(t)) return { due: cap(t), length: 1 };
  if (t === "tomorrow" || t === "tonight" || t === "today") return { due: t, length: 1 };
  if (t === "next" && ts[i + 1] && (WEEKDAYS.includes(ts[i + 1]!) || ["week", "month"].includes(ts[i + 1]!))) {
    return { due: `next ${WEEKDAYS.includes(ts[i + 1]!) ? cap(ts[i + 1]!) : ts[i + 1]}`, length: 2 };
  }
  const k = t === "the" ? i + 1 : i;
  if (ts[k] === "end" && ts[k + 1] === "of") {
    const j = ts[k + 2] === "the" ? k + 3 : k + 2;
    if (["day", "week", "month", "quarter", "year"].includes(ts[j] ?? "")) return { due: `end of the ${ts[j]}`, length: j - i + 1 };
  }
  if (MONTHS.includes(t)) {
    const day = ts[i + 1] && /^\d{1,2}(st|nd|rd|th)?$/.test(ts[i + 1]!) ? ` ${ts[i + 1]}` : "";
    return { due: cap(t) + day, length: day ? 2 : 1 };
  }
  return undefined;
}

/** Where the modal of a clause starts at `i`: its length in tokens. */
function modalAt(ts: string[], i: number): number {
  for (const m of MODALS) {
    const words = m.split(" ");
    if (words.every((w, k) => ts[i + k] === w)) return words.length;
  }
  return 0;
}

interface Clause {
  subjectStart: number;
  modal: number;
  modalLength: number;
  assignee: Speaker | null;
  /** "we", "you", "someone": a task for nobody in particular. */
  nobody: boolean;
  cue: boolean;
}

/** Finds "<subject> will|needs to|… <task>" clauses in one line. */
function clausesOf(ts: string[], speaker: Speaker, attendees: Attendee[]): Clause[] {
  const out: Clause[] = [];
  for (let i = 0; i < ts.length; i++) {
    const contracted = CONTRACTED.exec(ts[i]!);
    const modal = i;
    const modalLength = contracted ? 1 : modalAt(ts, i);
    // Recognisers drop short words: "<name> review the pricing" (no "will") still names who does what.
    if (!modalLength && i > 0 && ACTION_VERBS.has(ts[i]!)) {
      const named = (i >= 2 && matchAttendee(`${ts[i - 2]} ${ts[i - 1]}`, attendees)) || matchAttendee(ts[i - 1]!, attendees);
      if (named) {
        const subjectStart = i >= 2 && matchAttendee(`${ts[i - 2]} ${ts[i - 1]}`, attendees) ? i - 2 : i - 1;
        out.push({ subjectStart, modal: i, modalLength: 0, assignee: named, nobody: false, cue: false });
        continue;
      }
    }
    if (!modalLength || (!contracted && i === 0)) continue;
    // "to" is a modal only after "action item for <name>" ("action item for bob to send …").
    if (!contracted && ts[i] === "to" && !ts.slice(Math.max(0, i - 4), i).includes("item")) continue;
    const cue = ts.slice(Math.max(0, i - 5), i).includes("item") || ts.slice(Math.max(0, i - 5), i).includes("items");
    let subjectStart = i;
    let assignee: Speaker | null = null;
    let nobody = false;
    if (contracted) {
      if (contracted[1] === "i") assignee = speaker;
      else nobody = true;
    } else {
      const one = ts[i - 1]!;
      if (NOT_SUBJECT.has(one) || /^\d/.test(one)) continue;
      const two = i >= 2 ? `${ts[i - 2]} ${one}` : "";
      const full = two ? matchAttendee(two, attendees) : null;
      if (full) {
        assignee = full;
        subjectStart = i - 2;
      } else if (one === "i") {
        assignee = speaker;
        subjectStart = i - 1;
      } else {
        nobody = NOBODY.has(one);
        assignee = nobody ? null : matchAttendee(one, attendees);
        subjectStart = i - 1;
      }
    }
    out.push({ subjectStart, modal, modalLength, assignee, nobody, cue });
    i = modal + modalLength - 1;
  }
  return out;
}

/**
 * Action items said in the meeting: "<name> will <task> (by <due>)", "I'll <task>", "action item for
 * <name> to <task>", "<name>, can you <task>". A clause counts when its task starts with an action
 * verb, carries a due date, or follows the words "action item". The assignee is the attendee named
 * (or the speaker for "I"); an unknown or ambiguous name gives no assignee rather than a wrong one.
 */
export function extractActions(lines: TranscriptLine[], attendees: Attendee[]): ActionItem[] {
  const items: ActionItem[] = [];
  for (const line of lines) {
    const ts = tokens(line.text);
    const clauses = clausesOf(ts, line.speaker, attendees);
    clauses.forEach((c, k) => {
      const end = k + 1 < clauses.length ? clauses[k + 1]!.subjectStart : ts.length;
      let task = ts.slice(c.modal + c.modalLength, end);
      while (task.length && ["please", "also", "then", "you"].includes(task[0]!)) task = task.slice(1);
      while (task.length && ["and", "okay", "right", "thanks", "so", "then"].includes(task[task.length - 1]!)) task = task.slice(0, -1);
      let due: string | null = null;
      for (let j = 0; j < task.length; j++) {
        if (!DUE_AFTER.has(task[j]!)) continue;
        const d = dueAt(task, j + 1);
        if (d) {
          due = d.due;
          task = [...task.slice(0, j), ...task.slice(j + 1 + d.length)];
          break;
        }
      }
      if (task.length < 2) return;
      if (!c.cue && !due && !ACTION_VERBS.has(task[0]!)) return;
      if (c.nobody && !c.cue && !due) return;
      items.push({ assignee: c.assignee, text: task.join(" "), due });
    });
  }
  return dedupe(items);
}

/** The same task said twice ("Bob will send it… yes, Bob will send it") is one item. */
function dedupe(items: ActionItem[]): ActionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.assignee?.userId ?? ""}|${i.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Bob: send the updated contract — by Friday", as the task-list item reads. */
export function actionText(item: ActionItem, name: string | undefined): string {
  const due = item.due ? ` — by ${item.due}` : "";
  return `${name ? `${name}: ` : ""}${item.text}${due}`;
}
