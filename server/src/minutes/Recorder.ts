import { EgressClient, EgressStatus, TrackSource, TrackType, TwirpError, type EgressInfo, type ParticipantInfo, type TrackInfo } from "livekit-server-sdk";
import type { Logger } from "../logger.ts";
import type { MeetingRow } from "../store/meetings.ts";
import { MAX_RECORDING_STARTS_PER_MEETING, MAX_RECORDINGS_PER_MEETING, type RecordingRow, type RecordingStore } from "../store/recordings.ts";
import type { LiveKitConnection } from "../meetings/rooms.ts";
import { STANDARD_PARTICIPANT } from "../meetings/rooms.ts";
import type { LiveKitRooms } from "../meetings/LiveKitRooms.ts";
import { livekitUnreachable } from "../meetings/errors.ts";
import type { RecordingStorage } from "./storage/RecordingStorage.ts";

/** What the recorder needs. */
export interface RecorderDeps {
  connection: LiveKitConnection;
  rooms: LiveKitRooms;
  recordings: RecordingStore;
  /** Where Track Egress writes: RECORDINGS_DIR (shared with the egress service) or a bucket. */
  storage: RecordingStorage;
  log: Logger;
}

/** Whether a track is someone's microphone (the only tracks recorded). */
export function isMicrophone(track: Pick<TrackInfo, "type" | "source">): boolean {
  return track.type === TrackType.AUDIO && track.source === TrackSource.MICROPHONE;
}

/**
 * Records meetings as LiveKit Track Egress does it: one egress per microphone track, exported
 * without transcoding (Opus → Ogg) to `<RECORDINGS_DIR>/<meeting>/<track>-<n>.ogg` (or uploaded as
 * the object `<RECORDINGS_S3_PREFIX><meeting>/<track>-<n>.ogg`), so every speaker is their own file.
 * Started when recording is turned on (for the tracks already published) and on `track_published`
 * while it is on; `egress_ended` brings the file's start time.
 */
export class Recorder {
  private readonly egress: EgressClient;

  constructor(private readonly deps: RecorderDeps) {
    const { apiUrl, apiKey, apiSecret } = deps.connection;
    this.egress = new EgressClient(apiUrl, apiKey, apiSecret, { requestTimeout: 10 });
  }

  /** Records every microphone track in the meeting's room now (recording was just turned on). */
  async recordRoom(meeting: MeetingRow): Promise<number> {
    let started = 0;
    for (const p of await this.deps.rooms.listParticipants(meeting.roomName)) {
      if (p.kind !== STANDARD_PARTICIPANT) continue;
      for (const t of p.tracks) if (isMicrophone(t) && (await this.recordTrack(meeting, p.identity, t.sid))) started++;
    }
    return started;
  }

  /** `track_published`: records a microphone while the meeting is live and recording. */
  async onTrackPublished(meeting: MeetingRow, participant: ParticipantInfo | undefined, track: TrackInfo | undefined): Promise<void> {
    if (meeting.state !== "live" || !meeting.recording || !participant || !track) return;
    if (participant.kind !== STANDARD_PARTICIPANT || !isMicrophone(track)) return;
    await this.recordTrack(meeting, participant.identity, track.sid);
  }

  /**
   * Starts one Track Egress for a track, unless it is being recorded already or the meeting reached
   * its bound of recordings (each publish and each re-enable starts one). Returns whether it started.
   */
  async recordTrack(meeting: MeetingRow, userId: string, trackSid: string): Promise<boolean> {
    const { recordings, log } = this.deps;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(trackSid) || (await recordings.activeFor(meeting.id, trackSid))) return false;
    const starts = await recordings.count(meeting.id, "starts");
    const count = await recordings.count(meeting.id);
    if (starts >= MAX_RECORDING_STARTS_PER_MEETING || count >= MAX_RECORDINGS_PER_MEETING) {
      log.warn({ meeting: meeting.id, starts, count }, "meeting reached its bound of recordings; not recording this track");
      return false;
    }
    const { location, output } = this.deps.storage.output(meeting.id, trackSid, count + 1);
    let info: EgressInfo;
    try {
      info = await this.egress.startTrackEgress(meeting.roomName, output, trackSid);
    } catch (err) {
      if (err instanceof TwirpError && err.status === 404) return false; // the track is gone already
      log.warn({ err: (err as Error).message, meeting: meeting.id, track: trackSid }, "could not start a track egress");
      throw livekitUnreachable();
    }
    const inserted = await recordings.insert({ egressId: info.egressId, meetingId: meeting.id, trackSid, userId, filepath: location });
    if (!inserted) await this.stop(info.egressId); // another request started this track meanwhile
    else log.info({ meeting: meeting.id, track: trackSid, egress: info.egressId }, "recording a microphone");
    return inserted;
  }

  /**
   * Starts the next part of a track's recording (rotation): a new Track Egress of the same track,
   * while the current one goes on (it is stopped once the new one is recording: `endOverlaps`), so
   * no audio falls between them. Only the caller that takes the rotation on in the database starts
   * one; past the meeting's bound of files the current part simply goes on. Returns the new egress id.
   */
  async rotate(meeting: MeetingRow, rec: RecordingRow, staleBefore: string): Promise<string | undefined> {
    const { recordings, log } = this.deps;
    const count = await recordings.count(meeting.id);
    if (count >= MAX_RECORDINGS_PER_MEETING) return undefined;
    if (!(await recordings.claimRotation(rec.egressId, staleBefore))) return undefined;
    const { location, output } = this.deps.storage.output(meeting.id, rec.trackSid, count + 1);
    let info: EgressInfo;
    try {
      info = await this.egress.startTrackEgress(meeting.roomName, output, rec.trackSid);
    } catch (err) {
      // The track is gone (its recording ends by itself) or LiveKit did not answer: tried again next time.
      await recordings.releaseRotation(rec.egressId);
      if (!(err instanceof TwirpError && err.status === 404)) log.warn({ err: (err as Error).message, meeting: meeting.id, track: rec.trackSid }, "could not start the next part of a recording");
      return undefined;
    }
    const inserted = await recordings.insert({ egressId: info.egressId, meetingId: meeting.id, trackSid: rec.trackSid, userId: rec.userId, filepath: location, follows: rec.egressId });
    if (!inserted) {
      await this.stop(info.egressId).catch(() => undefined);
      return undefined;
    }
    log.info({ meeting: meeting.id, track: rec.trackSid, egress: info.egressId, follows: rec.egressId }, "recording the next part of a microphone");
    return info.egressId;
  }

  /**
   * Stops the recordings whose next part is recording (LiveKit says it is active) and has been since
   * before `before`: their overlap is over. Any process may do it; a second stop changes nothing.
   */
  async endOverlaps(before: string): Promise<void> {
    for (const rec of await this.deps.recordings.overlapped(before)) {
      const next = (await this.deps.recordings.forMeeting(rec.meetingId)).find((r) => r.follows === rec.egressId);
      // A next part that failed leaves this one recording (nothing lost); one still starting is waited for.
      if (next?.state !== "active") continue;
      let items: EgressInfo[];
      try {
        items = await this.egress.listEgress({ egressId: next.egressId });
      } catch {
        continue;
      }
      if (!items.some((i) => i.egressId === next.egressId && i.status === EgressStatus.EGRESS_ACTIVE)) continue;
      await this.stop(rec.egressId).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message, egress: rec.egressId }, "could not end a part"));
    }
  }

  /** Stops every active recording of a meeting (recording turned off). */
  async stopAll(meetingId: string): Promise<void> {
    for (const r of await this.deps.recordings.forMeeting(meetingId)) if (r.state === "active") await this.stop(r.egressId);
  }

  private async stop(egressId: string): Promise<void> {
    try {
      await this.egress.stopEgress(egressId);
    } catch (err) {
      // Already ended (its egress_ended is on its way) or unknown: nothing to stop.
      if (err instanceof TwirpError && (err.status === 404 || err.status === 412)) return;
      this.deps.log.warn({ err: (err as Error).message, egress: egressId }, "could not stop a track egress");
      throw livekitUnreachable();
    }
  }

  /**
   * Applies the end of recordings whose `egress_ended` has not arrived (lost, or it came before the
   * recording's row was written): asks LiveKit which egresses of the room have ended.
   */
  async refresh(meeting: MeetingRow): Promise<void> {
    const active = (await this.deps.recordings.forMeeting(meeting.id)).filter((r) => r.state === "active");
    if (active.length === 0) return;
    let items: EgressInfo[];
    try {
      items = await this.egress.listEgress({ roomName: meeting.roomName });
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, meeting: meeting.id }, "could not list egresses");
      return;
    }
    for (const info of items) {
      if (info.status >= EgressStatus.EGRESS_COMPLETE && active.some((a) => a.egressId === info.egressId)) await this.onEgressEnded(info);
    }
  }

  /** Where an ended egress says it wrote its file, when that is one of ours (see RecordingStorage.reported). */
  reportedLocation(info: EgressInfo | undefined): string | undefined {
    const filename = info && fileOf(info)?.filename;
    return filename ? this.deps.storage.reported(filename) : undefined;
  }

  /**
   * `egress_ended`: stores the recording's location (file or object key) and start time (once; a replay changes nothing).
   * Returns the meeting id when this event ended one of our recordings.
   */
  async onEgressEnded(info: EgressInfo | undefined): Promise<string | undefined> {
    if (!info?.egressId) return undefined;
    const row = await this.deps.recordings.find(info.egressId);
    if (!row) return undefined;
    const file = fileOf(info);
    const finished = (info.status === EgressStatus.EGRESS_COMPLETE || info.status === EgressStatus.EGRESS_LIMIT_REACHED) && !!file;
    // Where the egress says it wrote, when that is one of ours (it may add an extension); else where we asked.
    const ended = await this.deps.recordings.end(info.egressId, {
      filepath: this.reportedLocation(info),
      state: finished ? "complete" : "failed",
      startedAtNs: file?.startedAt ? String(file.startedAt) : info.startedAt ? String(info.startedAt) : null,
      endedAtNs: file?.endedAt ? String(file.endedAt) : info.endedAt ? String(info.endedAt) : null,
      error: finished ? null : info.error || "the recording did not finish",
    });
    if (ended) this.deps.log.info({ meeting: row.meetingId, egress: info.egressId, finished }, "recording ended");
    return row.meetingId;
  }
}

/** The file an egress wrote, as its end reports it. */
function fileOf(info: EgressInfo) {
  return info.fileResults[0] ?? (info.result.case === "file" ? info.result.value : undefined);
}
