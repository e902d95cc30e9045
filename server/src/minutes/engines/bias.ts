import fs from "node:fs";
import readline from "node:readline";
import { run } from "./process.ts";
import type { Hints } from "./types.ts";

/** Keyphrases spotted per recording, at most (each one costs search time and may false-alarm). */
export const MAX_KEYPHRASES = 150;
/** Words of a document considered for biasing, at most. */
export const MAX_DOCUMENT_TERMS = 60;

/** Words too common to be worth spotting. */
const COMMON = new Set(
  "the and for are but not you all any can had her was one our out day get has him his how man new now old see two way who boy did its let put say she too use will with this that from they have been were what when your said each which their there about would make like time just know take into year some could them than then look only come over think also back after work first well even want because these give most with team meeting".split(
    " ",
  ),
);

/** A word as the dictionaries spell it: lower case letters and apostrophes. */
export const normWord = (w: string) => w.toLowerCase().replace(/[^a-z']/g, "");

/** Splits text into normalised words. */
export const words = (text: string) => text.split(/[^A-Za-z']+/).map(normWord).filter(Boolean);

/** The phrases worth spotting in a meeting: full names, first and last names, companies, document terms. */
export function keyphrases(hints: Hints): string[] {
  const out = new Set<string>();
  const add = (p: string) => {
    const ws = words(p);
    if (ws.length === 0 || ws.some((w) => w.length < 3)) return;
    if (ws.length === 1 && COMMON.has(ws[0]!)) return;
    out.add(ws.join(" "));
  };
  for (const name of hints.names) {
    add(name);
    for (const part of name.split(/\s+/)) add(part);
  }
  for (const c of hints.companies) add(c);
  for (const t of hints.terms.slice(0, MAX_DOCUMENT_TERMS)) add(t);
  return [...out].slice(0, MAX_KEYPHRASES);
}

/**
 * Distinctive words of a document's text: capitalised words that are not at a sentence start, a
 * line start or a list item's start (names, products), most frequent first.
 */
export function documentTerms(text: string): string[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/(?<![.!?]\s)(?<!^[ \t]*(?:[-*•]|\d+[.)])?[ \t]*)\b([A-Z][a-z]{2,}|[A-Z]{2,}[a-z]*)\b/gm)) {
    const w = normWord(m[1]!);
    if (w.length >= 3 && !COMMON.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([w]) => w)
    .slice(0, MAX_DOCUMENT_TERMS);
}

let dictionary: Promise<Set<string>> | undefined;

/** The words of pocketsphinx's main dictionary (read once). */
export function dictionaryWords(dictFile: string): Promise<Set<string>> {
  dictionary ??= (async () => {
    const set = new Set<string>();
    const lines = readline.createInterface({ input: fs.createReadStream(dictFile, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      const w = line.slice(0, line.indexOf(" "));
      if (w && !w.includes("(")) set.add(w);
    }
    return set;
  })();
  return dictionary;
}

/** CMU phones (no stress) for a word the dictionary lacks, from flite's letter-to-sound rules (`t2p`). */
export async function pronounce(word: string): Promise<string | undefined> {
  let out = "";
  await run("t2p", [word], { timeoutMs: 5000, onLine: (l) => (out += l + " ") });
  const phones = out
    .trim()
    .split(/\s+/)
    .filter((p) => p && p !== "pau")
    .map((p) => p.replace(/\d/g, ""))
    .map((p) => (p === "ax" ? "ah" : p === "axr" ? "er" : p).toUpperCase());
  return phones.length && phones.every((p) => /^[A-Z]{1,2}$/.test(p)) ? phones.join(" ") : undefined;
}

/**
 * The keyword-spotting threshold of a phrase. Measured on flite speech with the meeting benchmark's
 * keywords: 1e-3 … 1e-5 found every name said and nothing else, 1e-8 already had "bob" firing on
 * "by Friday", and 1e-15 and below fire everywhere. Long phrases get a little more room.
 */
export function threshold(phrase: string): string {
  const letters = phrase.replace(/\s/g, "").length;
  return `1e-${Math.min(8, Math.max(3, Math.floor(letters / 2)))}`;
}

/** A timed word from pocketsphinx (seconds from the start of the file). */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
  prob: number;
}

/** Letters from which a spotted keyphrase replaces words even if they were recognised with confidence. */
const LONG_KEYPHRASE = 6;

/**
 * Puts spotted keyphrases into the language-model transcript: a detection replaces the words it
 * covers (each word overlapped for at least 40% of its length), unless it is short and they were
 * recognised with high confidence. Overlapping detections: the earlier (then the longer) wins.
 */
export function mergeDetections(lmWords: TimedWord[], detections: TimedWord[]): TimedWord[] {
  const taken: TimedWord[] = [];
  const inserted: TimedWord[] = [];
  const sorted = [...detections].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  let out = [...lmWords];
  for (const d of sorted) {
    if (taken.some((a) => a.start < d.end && d.start < a.end)) continue;
    const covered = out.filter((w) => overlap(w, d) >= 0.4 * Math.max(0.01, w.end - w.start));
    taken.push(d);
    // The language model heard it right already: keep its words.
    if (covered.map((w) => w.word).join(" ") === d.word || (covered.length === 0 && out.some((w) => w.word === d.word && overlap(w, d) > 0))) continue;
    // A short keyphrase over words recognised with confidence is more likely a false alarm; a long one
    // (six letters and more, e.g. a company name) is trusted.
    if (covered.length > 0 && d.word.replace(/ /g, "").length < LONG_KEYPHRASE && covered.every((w) => w.prob >= 0.9 && w.word.length > 3)) {
      taken.pop();
      continue;
    }
    inserted.push(d);
    out = out.filter((w) => !covered.includes(w));
  }
  return [...out, ...inserted].sort((a, b) => a.start - b.start);
}

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
