import { minutesLabel, type MinutesNotice, type MinutesState, type MinutesView } from "@confer/shared";

/** One recording of a meeting (a speaker's microphone, or one part of it), playable by members. */
export interface RecordingRef {
  file: string;
  speaker: string;
  /** Who speaks in it (parts of one person's recording share it). */
  userId?: string;
  /** When it starts (ISO): a person's parts play in this order. */
  startedAt?: string;
}

/** A person's recording: their files (a long meeting records each microphone in parts) in the order they play. */
export interface SpeakerRecording {
  speaker: string;
  files: string[];
}

/** The recordings by person, in the order people first spoke; each person's parts in time order. */
export function speakerRecordings(recordings: RecordingRef[]): SpeakerRecording[] {
  const sorted = [...recordings].sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
  const by = new Map<string, SpeakerRecording>();
  for (const r of sorted) {
    const key = r.userId ?? r.speaker;
    const entry = by.get(key) ?? { speaker: r.speaker, files: [] };
    entry.files.push(r.file);
    by.set(key, entry);
  }
  return [...by.values()];
}

/** The parts of the same person's recording that follow `file` (what plays on after it ends). */
export function partsAfter(recordings: RecordingRef[], file: string): string[] {
  for (const s of speakerRecordings(recordings)) {
    const i = s.files.indexOf(file);
    if (i >= 0) return s.files.slice(i + 1);
  }
  return [];
}

/** What this page knows of one meeting's minutes: the live notices and the last `GET /minutes`. */
export interface KnownMinutes {
  state: MinutesState;
  /** 0..1 within the current state. */
  progress: number;
  speakersDone: number;
  speakersTotal: number;
  error: string | undefined;
  /** The recordings, once `GET /minutes` has listed them. */
  recordings: RecordingRef[];
}

/** What the card shows of a meeting's minutes, from its state. */
export type MinutesLine =
  | { kind: "none" }
  | { kind: "recording"; text: string }
  | { kind: "working"; text: string; /** 0..100 for a progress bar, undefined when it cannot be measured. */ percent: number | undefined }
  | { kind: "done"; text: string }
  | { kind: "failed"; text: string; canRetry: boolean };

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** The minutes as a notice tells them (newer than any list read before it). */
export function fromMinutesNotice(n: MinutesNotice, known: KnownMinutes | undefined): KnownMinutes {
  return {
    state: n.state,
    progress: clamp01(n.progress),
    speakersDone: n.speakersDone,
    speakersTotal: n.speakersTotal,
    error: n.error,
    recordings: known?.recordings ?? [],
  };
}

/**
 * The minutes as `GET /minutes` tells them. A notice can overtake the answer (the job moves on
 * while the request is on its way): a state already further along is kept, the recordings taken.
 */
export function fromMinutesView(v: MinutesView, known: KnownMinutes | undefined): KnownMinutes {
  const recordings = (v.recordings ?? []).map((r) => ({ file: r.file, speaker: r.speaker.name, userId: r.speaker.userId, startedAt: r.startedAt }));
  if (known && STAGE[known.state] > STAGE[v.state]) return { ...known, recordings: recordings.length ? recordings : known.recordings };
  return {
    state: v.state,
    progress: clamp01(v.progress),
    // An older server's view has no speaker counts: keep what the notices said, or count the recordings.
    speakersDone: v.speakersDone ?? known?.speakersDone ?? 0,
    speakersTotal: v.speakersTotal ?? Math.max(known?.speakersTotal ?? 0, speakerRecordings(recordings).length),
    error: v.error,
    recordings,
  };
}

/** How far along each state is, so an older answer never moves a card back. Failed can be retried, so it ranks with the work. */
const STAGE: Record<MinutesState, number> = { none: 0, recording: 1, transcribing: 2, failed: 2, writing: 3, done: 4 };

/**
 * The words (and progress) the card shows for a meeting's minutes: "Transcribing · 2 of 3 speakers
 * · 40%", "Writing minutes", "Minutes are below", or what failed and, for hosts, "Try again".
 */
export function minutesLine(m: KnownMinutes | undefined, opts: { meetingEnded: boolean; isHost: boolean }): MinutesLine {
  if (!m) return { kind: "none" };
  const label = minutesLabel(m);
  switch (m.state) {
    case "none":
      return { kind: "none" };
    case "recording":
      // Recorded, the meeting over, the recordings not all in yet: the transcription is about to start.
      return opts.meetingEnded ? { kind: "working", text: "Preparing the minutes…", percent: undefined } : { kind: "recording", text: "Recording" };
    case "transcribing": {
      // The bar shows the same number as the words: the current speaker's share done.
      const percent = Math.round(clamp01(m.progress) * 100);
      // Speakers not counted yet (nothing but a bare state known): no "0 of 0 speakers".
      return { kind: "working", text: m.speakersTotal > 0 ? label : `Transcribing · ${percent}%`, percent };
    }
    case "writing":
      return { kind: "working", text: label, percent: undefined };
    case "done":
      return { kind: "done", text: "Minutes are below" };
    case "failed":
      return { kind: "failed", text: label, canRetry: opts.isHost };
  }
}
