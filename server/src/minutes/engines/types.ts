import type { Segment } from "../../store/recordings.ts";

export type { Segment };

/** What the meeting already knows, to bias recognition: names, companies, the document's words. */
export interface Hints {
  /** Attendees' names ("Priya Okafor"). */
  names: string[];
  /** Attendees' companies ("Globex"). */
  companies: string[];
  /** Distinctive words of the document (terms, product names). */
  terms: string[];
}

/** Progress of one transcription, 0..1. */
export type OnProgress = (fraction: number) => void;

/** A transcription engine: one audio file in, timed segments out (seconds from the file's start). */
export interface TranscriptionEngine {
  /** Short name stored with each transcript ("pocketsphinx", "openai:whisper-1"). */
  readonly name: string;
  transcribe(file: string, hints: Hints, onProgress: OnProgress, signal?: AbortSignal): Promise<Segment[]>;
}

/** A transcription that failed in a way worth telling the host ("Transcription service unreachable"). */
export class TranscriptionError extends Error {}
