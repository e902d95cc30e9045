import type { Request, Response } from "express";
import type { WebhookEvent } from "livekit-server-sdk";
import type { MinutesView } from "@confer/shared";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { DB } from "../store/db.ts";
import type { CollabServer } from "../collab/CollabServer.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { UserStore } from "../store/users.ts";
import type { MeetingRow } from "../store/meetings.ts";
import type { MeetingService, RecordingHooks } from "../meetings/MeetingService.ts";
import { meetingEnded, meetingsNotConfigured } from "../meetings/errors.ts";
import { JobStore, type JobRow } from "../store/jobs.ts";
import { RecordingStore, type RecordingRow } from "../store/recordings.ts";
import { JobQueue } from "./JobQueue.ts";
import type { Recorder } from "./Recorder.ts";
import { chooseEngine, type EngineChoice } from "./engines/choose.ts";
import { documentTerms } from "./engines/bias.ts";
import type { Hints } from "./engines/types.ts";
import { composeMinutes } from "./compose.ts";
import { writeMinutes } from "./document/writeMinutes.ts";
import { bodyText } from "./document/bodyText.ts";
import { byPerson, minutesNotice, minutesView, recordingFile, speakersOf } from "./view.ts";
import { minutesNotFailed, recordingsUnreachable } from "./errors.ts";
import { rotateParts } from "./rotation.ts";
import { removeRecordings } from "./removeRecordings.ts";
import type { RecordingStorage } from "./storage/RecordingStorage.ts";
import { DirectoryStorage } from "./storage/DirectoryStorage.ts";
import { ScratchSpace } from "./ScratchSpace.ts";

/** What the minutes service is built from. */
export interface MinutesDeps {
  config: Config;
  log: Logger;
  db: DB;
  meetings: MeetingService;
  collab: Pick<CollabServer, "notifyAll" | "edit">;
  documents: DocumentStore;
  users: UserStore;
}

/** How often ended meetings whose recordings have not all reported their end are checked with LiveKit. */
const SWEEP_EVERY_MS = 60_000;
/** Progress notices sent at most this often per meeting (the last one always goes). */
const NOTICE_EVERY_MS = 500;

const TRANSCRIBE = "transcribe";
/** One recording that ended while its meeting goes on (a speaker left, recording was switched off). */
const TRANSCRIBE_EARLY = "transcribe-recording";
const WRITE = "minutes";
/** How often a transcription checks on an early transcription of the same recording under way. */
const EARLY_POLL_MS = 200;
const jobKey = (kind: string, meetingId: string) => `${kind}:${meetingId}`;

/**
 * From recording to minutes in the document: turns recording on and off (Recorder), hears the
 * recording webhooks and meeting ends, and runs two durable jobs per meeting: "transcribe" (every
 * speaker's recording, one after the other, each transcript stored as it is done, so a restart
 * picks up where it stopped) and "minutes" (extract and write into the document, exactly once).
 * Open pages hear each step as a minutes notice.
 */
export class MinutesService implements RecordingHooks {
  readonly recordings: RecordingStore;
  readonly jobs: JobStore;
  readonly queue: JobQueue;
  readonly log: Logger;
  private recorder: Recorder | undefined;
  /** Where recordings are: RECORDINGS_DIR, or the bucket once `init` has loaded its client. */
  private storage: RecordingStorage;
  private engine: EngineChoice;
  /** This process' temporary files (downloaded recordings, the engine's work); what dead processes left is swept at start. */
  private readonly scratch: ScratchSpace;
  private readonly lastNotice = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private rotator: NodeJS.Timeout | undefined;
  private rotating: Promise<void> | undefined;

  constructor(private readonly deps: MinutesDeps) {
    this.log = deps.log.child({ component: "minutes" });
    this.recordings = new RecordingStore(deps.db);
    this.jobs = new JobStore(deps.db);
    const { workers, maxAttempts, retryMs } = deps.config.minutes;
    this.queue = new JobQueue(this.jobs, { workers, maxAttempts, baseDelayMs: retryMs }, this.log);
    const failed = (job: JobRow, error: string) => this.fail(job.subject, error);
    this.queue.register(TRANSCRIBE, { run: (job, signal) => this.ofMeeting(job, (m) => this.transcribe(m, signal)), failed });
    this.queue.register(WRITE, { run: (job) => this.ofMeeting(job, (m) => this.write(m)), failed });
    // An early transcription that fails is simply done again by the meeting's own job.
    this.queue.register(TRANSCRIBE_EARLY, {
      run: (job, signal) => this.transcribeEarly(job, signal).catch(async (err: unknown) => {
        if (await this.recordings.find(job.subject)) throw err; // else its document was deleted meanwhile: nothing to do
      }),
      failed: async () => undefined,
    });
    this.scratch = new ScratchSpace(deps.config.dataDir, this.log);
    this.engine = chooseEngine(deps.config.minutes, this.scratch.dir);
    this.storage = new DirectoryStorage(deps.config.minutes.recordingsDir);
  }

  /** Loads the recorder when LiveKit is configured, and hooks into the meetings. */
  async init(): Promise<void> {
    const s3 = this.deps.config.minutes.s3;
    if (s3 && this.storage instanceof DirectoryStorage) {
      const { S3Storage } = await import("./storage/S3Storage.ts");
      this.storage = new S3Storage(s3, this.scratch.dir, this.log, undefined, this.storage);
      this.log.info({ bucket: s3.bucket, endpoint: s3.endpoint, prefix: s3.prefix }, "recordings go to a bucket");
    }
    const rooms = this.deps.meetings.livekit;
    if (rooms && !this.recorder) {
      const { Recorder } = await import("./Recorder.ts");
      this.recorder = new Recorder({ connection: rooms.connection, rooms, recordings: this.recordings, storage: this.storage, log: this.log });
    }
    this.deps.meetings.recordingHooks = this;
    if (this.engine.kind === "none") this.log.warn(this.engine.why);
  }

  /**
   * Sweeps the temporary files of processes that are gone, then starts the job queue (jobs
   * interrupted by a restart run again), and the sweep for lost `egress_ended`.
   */
  async start(): Promise<void> {
    await this.scratch.start();
    await this.queue.start();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
    const chunkMs = this.deps.config.minutes.chunkSeconds * 1000;
    this.rotator = setInterval(() => void this.rotate(), Math.max(250, Math.min(5000, chunkMs / 4)));
    this.rotator.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.rotator);
    await this.rotating;
    await this.queue.stop();
    await this.scratch.stop();
  }

  /** Cuts the recordings of live meetings into parts (see rotateParts); one pass at a time per process. */
  rotate(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return Promise.resolve();
    const { store } = this.deps.meetings;
    this.rotating ??= rotateParts({ recorder, recordings: this.recordings, findMeeting: (id) => store.find(id), chunkSeconds: this.deps.config.minutes.chunkSeconds, log: this.log }).finally(
      () => (this.rotating = undefined),
    );
    return this.rotating;
  }

  /** Ended meetings still waiting for an `egress_ended`: asks LiveKit (ListEgress) and starts their minutes. */
  async sweep(): Promise<void> {
    try {
      for (const id of await this.recordings.endedWithActive()) await this.maybeStart(id);
    } catch (err) {
      this.log.warn({ err }, "checking late recordings failed");
    }
  }

  /** Turns "Record and take minutes" on or off for a live meeting (the caller checked the policy). */
  async setRecording(meeting: MeetingRow, on: boolean): Promise<MeetingRow> {
    if (!this.recorder) throw meetingsNotConfigured(this.deps.meetings.missingSettings);
    if (!(await this.deps.meetings.store.setRecording(meeting.id, on))) throw meetingEnded();
    const fresh = (await this.deps.meetings.store.find(meeting.id))!;
    this.log.info({ meeting: meeting.id, on }, "recording switched");
    if (on) await this.recorder.recordRoom(fresh);
    else await this.recorder.stopAll(meeting.id);
    await this.deps.meetings.announce(fresh);
    return fresh;
  }

  async onWebhook(event: WebhookEvent, meeting: MeetingRow): Promise<void> {
    switch (event.event) {
      case "track_published":
        return this.recorder?.onTrackPublished(meeting, event.participant, event.track);
      case "egress_ended": {
        const meetingId = await this.recorder?.onEgressEnded(event.egressInfo);
        // The document was deleted while this event was applied: its rows went without this file.
        if (!(await this.deps.meetings.store.find(meeting.id))) return this.onMeetingGone(event, meeting.id);
        if (!meetingId) return;
        if (meeting.state === "live" && this.engine.kind !== "none") {
          // Transcribed while the meeting goes on, so less is left to do when it ends.
          await this.queue.enqueue(TRANSCRIBE_EARLY, jobKey(TRANSCRIBE_EARLY, event.egressInfo!.egressId), event.egressInfo!.egressId);
        }
        await this.maybeStart(meetingId);
        return;
      }
      default:
        return;
    }
  }

  /**
   * `egress_ended` of a meeting that no longer exists (its document was deleted while it recorded):
   * the file the egress wrote after the deletion is removed, when it is one of ours and under that
   * meeting. Throws when the storage cannot be reached, so that LiveKit delivers the event again.
   */
  async onMeetingGone(event: WebhookEvent, meetingId: string): Promise<void> {
    if (event.event !== "egress_ended" || !this.recorder) return;
    const location = this.recorder.reportedLocation(event.egressInfo);
    if (!location?.includes(`/${meetingId}/`) || (await this.deps.meetings.store.find(meetingId))) return;
    if (await removeRecordings(this.storage, [location], this.log)) throw recordingsUnreachable();
  }

  /**
   * Deletes the minutes side of a document with it: the jobs of its meetings are called off,
   * `deleteRows` deletes the rows (handing the document's deletion transaction to `takeRecordings`,
   * which takes the recordings' rows and their locations), then every file of those recordings,
   * parts included, is removed from RECORDINGS_DIR or the bucket. A file that cannot be removed is
   * logged; the deletion stands.
   */
  async deleteDocument(docId: string, deleteRows: (takeRecordings: (trx: DB) => Promise<void>) => Promise<void>): Promise<void> {
    await this.queue.cancel(await this.recordings.subjectsOfDocument(docId));
    const locations: string[] = [];
    await deleteRows(async (trx) => void locations.push(...(await RecordingStore.takeForDocument(trx, docId))));
    await removeRecordings(this.storage, locations, this.log);
  }

  onEnded(meetingId: string): Promise<void> {
    return this.maybeStart(meetingId);
  }

  /** Queues the transcription once the meeting has ended and every recording of it has (once per meeting). */
  async maybeStart(meetingId: string): Promise<void> {
    const meeting = await this.deps.meetings.store.find(meetingId);
    if (meeting?.state !== "ended") return;
    let recs = await this.recordings.forMeeting(meetingId);
    if (recs.some((r) => r.state === "active")) {
      await this.recorder?.refresh(meeting);
      recs = await this.recordings.forMeeting(meetingId);
    }
    if (recs.length === 0 || recs.some((r) => r.state === "active")) return;
    if (await this.recordings.minutes(meetingId)) return;
    const complete = recs.filter((r) => r.state === "complete");
    if (complete.length === 0) {
      await this.fail(meetingId, recs[0]!.error ?? "No recording of this meeting finished.");
      return;
    }
    await this.recordings.setMinutes(meetingId, { state: "transcribing", speakersTotal: speakersOf(complete) });
    await this.queue.enqueue(TRANSCRIBE, jobKey(TRANSCRIBE, meetingId), meetingId);
    await this.notify(meetingId, true);
  }

  /** "Try again" (hosts): a failed meeting's jobs start over from where they failed. */
  async retry(meeting: MeetingRow): Promise<void> {
    const row = await this.recordings.minutes(meeting.id);
    if (row?.state !== "failed") throw minutesNotFailed();
    const retried = (await this.jobs.retry(jobKey(WRITE, meeting.id))) ? WRITE : (await this.jobs.retry(jobKey(TRANSCRIBE, meeting.id))) ? TRANSCRIBE : undefined;
    if (!retried) {
      // Failed before any job (no recording finished): nothing to run again.
      throw minutesNotFailed("Nothing can be tried again: no recording of this meeting finished.");
    }
    await this.recordings.setMinutes(meeting.id, { state: retried === WRITE ? "writing" : "transcribing", speakersTotal: row.speakersTotal, speakersDone: row.speakersDone });
    this.queue.kick();
    await this.notify(meeting.id, true);
  }

  /** `GET /api/meetings/:id/minutes`. */
  async view(meeting: MeetingRow): Promise<MinutesView> {
    const [row, recs] = await Promise.all([this.recordings.minutes(meeting.id), this.recordings.forMeeting(meeting.id)]);
    const names = await this.speakerNames(meeting, recs);
    return minutesView(meeting, row, recs, names);
  }

  /**
   * Answers a request for the complete recording of a meeting named `file` (ranges included; the
   * caller checked the policy); false when there is no such recording.
   */
  async serveRecording(meetingId: string, file: string, req: Request, res: Response): Promise<boolean> {
    const rec = (await this.recordings.forMeeting(meetingId)).find((r) => r.state === "complete" && recordingFile(r.filepath) === file);
    return !!rec && (await this.storage.serve(rec.filepath, req, res));
  }

  // --- the jobs ---------------------------------------------------------------------------------

  /**
   * Runs a job of a meeting. When the meeting is gone (its document was deleted, before or while
   * the job ran), the job stops quietly: nothing is written, nothing is retried.
   */
  private async ofMeeting(job: JobRow, work: (meeting: MeetingRow) => Promise<void>): Promise<void> {
    const meeting = await this.deps.meetings.store.find(job.subject);
    try {
      if (meeting) return await work(meeting);
    } catch (err) {
      if (await this.deps.meetings.store.find(job.subject)) throw err;
    }
    this.log.info({ meeting: job.subject, kind: job.kind }, "the meeting is gone; its job stops");
  }

  /** Transcribes every speaker's recordings (all their parts) not transcribed yet, then queues the writing. */
  private async transcribe(meeting: MeetingRow, signal: AbortSignal): Promise<void> {
    // Speaker by speaker, each one's parts in order: progress counts people, not files.
    const recs = byPerson((await this.recordings.forMeeting(meeting.id)).filter((r) => r.state === "complete"));
    const done = new Set((await this.recordings.transcripts(meeting.id)).keys());
    const engine = this.engine;
    const hints = engine.kind === "none" ? undefined : await this.hints(meeting);
    const speakersTotal = speakersOf(recs);
    const speakersDone = () => speakersOf(recs) - speakersOf(recs.filter((r) => !done.has(r.egressId)));
    for (const rec of recs) {
      if (done.has(rec.egressId)) continue;
      signal.throwIfAborted();
      // Transcribed at most once: an early transcription not started yet is called off, one under
      // way (on any process) is waited for.
      if (await this.earlyTranscription(rec.egressId, signal)) {
        done.add(rec.egressId);
        continue;
      }
      // Progress within a speaker: their parts done so far, and how far into this one.
      const mine = recs.filter((r) => r.userId === rec.userId);
      const before = mine.filter((r) => done.has(r.egressId)).length;
      const progress = async (fraction: number, force = false) => {
        await this.recordings.setMinutes(meeting.id, { state: "transcribing", progress: (before + fraction) / mine.length, speakersDone: speakersDone(), speakersTotal });
        await this.notify(meeting.id, force);
      };
      await progress(0, true);
      if (engine.kind !== "none") {
        if (!(await this.storage.exists(rec.filepath))) throw new Error(`The recording ${recordingFile(rec.filepath)} is not in ${this.deps.config.minutes.s3 ? "the recordings bucket" : "RECORDINGS_DIR"} (yet).`);
        const segments = await this.storage.withLocalFile(rec.filepath, signal, (file) => engine.engine.transcribe(file, hints!, (f) => void progress(f).catch(() => undefined), signal));
        await this.recordings.saveTranscript(rec.egressId, meeting.id, engine.engine.name, segments);
      }
      done.add(rec.egressId);
    }
    await this.recordings.setMinutes(meeting.id, { state: "writing", progress: 0, speakersDone: speakersTotal, speakersTotal });
    await this.queue.enqueue(WRITE, jobKey(WRITE, meeting.id), meeting.id);
    await this.notify(meeting.id, true);
  }

  /**
   * Whether the recording's early transcription has done the work: a queued one is called off
   * (false), a running one is waited for, then true once its transcript is saved.
   */
  private async earlyTranscription(egressId: string, signal: AbortSignal): Promise<boolean> {
    const key = jobKey(TRANSCRIBE_EARLY, egressId);
    for (;;) {
      // Queued again by a retry or after its process died: called off all the same.
      if (await this.jobs.cancelQueued(key)) return false;
      if ((await this.jobs.findByKey(key))?.state !== "running") break;
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, EARLY_POLL_MS));
    }
    const rec = await this.recordings.find(egressId);
    return !!rec && (await this.recordings.transcripts(rec.meetingId)).has(egressId);
  }

  /** Transcribes one finished recording of a meeting that is still going on (no notices: the meeting is live). */
  private async transcribeEarly(job: JobRow, signal: AbortSignal): Promise<void> {
    const rec = await this.recordings.find(job.subject);
    if (rec?.state !== "complete" || this.engine.kind === "none" || (await this.recordings.transcripts(rec.meetingId)).has(rec.egressId)) return;
    const meeting = await this.deps.meetings.store.find(rec.meetingId);
    if (!meeting || !(await this.storage.exists(rec.filepath))) return;
    const { engine } = this.engine;
    const hints = await this.hints(meeting);
    const segments = await this.storage.withLocalFile(rec.filepath, signal, (file) => engine.transcribe(file, hints, () => undefined, signal));
    await this.recordings.saveTranscript(rec.egressId, meeting.id, this.engine.engine.name, segments);
  }

  /** Extracts the minutes and writes them into the document (exactly once: see writeMinutes). */
  private async write(meeting: MeetingRow): Promise<void> {
    const total = speakersOf((await this.recordings.forMeeting(meeting.id)).filter((r) => r.state === "complete"));
    await this.recordings.setMinutes(meeting.id, { state: "writing", progress: 0, speakersDone: total, speakersTotal: total });
    await this.notify(meeting.id, true);
    const stays = (await this.deps.meetings.store.attendance([meeting.id])).get(meeting.id) ?? [];
    const recordings = (await this.recordings.forMeeting(meeting.id)).filter((r) => r.state === "complete");
    const record = { meeting, stays, recordings, transcripts: await this.recordings.transcripts(meeting.id), names: await this.speakerNames(meeting, recordings) };
    const { minutes, blocks, heading } = await composeMinutes(record, {
      publicUrl: this.deps.config.publicUrl,
      llm: this.deps.config.minutes.llm,
      transcriptNote: this.engine.kind === "none" ? `No transcript: ${this.engine.why}` : undefined,
      log: this.log,
    });
    const written = await this.deps.collab.edit(meeting.docId, (doc) => writeMinutes(doc, meeting.id, blocks, heading));
    this.log.info({ meeting: meeting.id, doc: meeting.docId, written, lines: minutes.transcript.length }, written ? "minutes written" : "minutes were already in the document");
    const { transcript, actionItems, decisions, summary } = minutes;
    await this.recordings.setMinutes(meeting.id, {
      state: "done",
      progress: 1,
      speakersDone: total,
      speakersTotal: total,
      result: JSON.stringify({ transcript, actionItems, decisions, summary }),
      writtenAt: new Date().toISOString(),
    });
    await this.notify(meeting.id, true);
  }

  /** A job failed for good: the minutes say why. */
  private async fail(meetingId: string, error: string): Promise<void> {
    if (!(await this.deps.meetings.store.find(meetingId))) return; // its document was deleted
    const row = await this.recordings.minutes(meetingId);
    await this.recordings.setMinutes(meetingId, { state: "failed", error, speakersDone: row?.speakersDone ?? 0, speakersTotal: row?.speakersTotal ?? 0, progress: row?.progress ?? 0 });
    await this.notify(meetingId, true);
  }

  /** What the meeting knows, to bias the engine: attendees' names and companies, the document's words. */
  private async hints(meeting: MeetingRow): Promise<Hints> {
    const stays = (await this.deps.meetings.store.attendance([meeting.id])).get(meeting.id) ?? [];
    const doc = await this.deps.documents.find(meeting.docId);
    const text = await this.deps.collab.edit(meeting.docId, (d) => bodyText(d)).catch(() => "");
    return {
      names: [...new Set(stays.map((s) => s.name))],
      companies: [...new Set(stays.map((s) => s.company).filter(Boolean))],
      terms: documentTerms(`${doc?.title ?? ""}\n${text}`),
    };
  }

  private async speakerNames(meeting: MeetingRow, recs: RecordingRow[]): Promise<Map<string, string>> {
    const stays = (await this.deps.meetings.store.attendance([meeting.id])).get(meeting.id) ?? [];
    const names = new Map(stays.map((s) => [s.userId, s.name]));
    for (const r of recs) {
      if (!names.has(r.userId)) names.set(r.userId, (await this.deps.users.findById(r.userId))?.name ?? "Someone");
    }
    return names;
  }

  /** Tells the document's open pages where the minutes are (throttled unless `force`). */
  private async notify(meetingId: string, force = false): Promise<void> {
    const nowMs = Date.now();
    if (!force && nowMs - (this.lastNotice.get(meetingId) ?? 0) < NOTICE_EVERY_MS) return;
    this.lastNotice.set(meetingId, nowMs);
    const [meeting, row] = await Promise.all([this.deps.meetings.store.find(meetingId), this.recordings.minutes(meetingId)]);
    if (!meeting || !row) return;
    if (row.state === "done" || row.state === "failed") this.lastNotice.delete(meetingId);
    await this.deps.collab.notifyAll(meeting.docId, minutesNotice(meetingId, row));
  }
}

