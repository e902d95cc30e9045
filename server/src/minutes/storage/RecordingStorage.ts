import type { Request, Response } from "express";
import type { DirectFileOutput } from "livekit-server-sdk";

/**
 * Where Track Egress puts recordings and how Confer reads them back: a directory shared with the
 * egress service (RECORDINGS_DIR) or an S3-compatible bucket (RECORDINGS_S3_*). A recording is
 * known by its location (stored with it): a file path, or `s3://bucket/key`. Locations are made by
 * the server from the meeting and the track, never from anything a client sent.
 */
export interface RecordingStorage {
  /** Where the recording number `n` of a track goes, and the egress output that writes it there. */
  output(meetingId: string, trackSid: string, n: number): { location: string; output: DirectFileOutput };
  /**
   * Where the egress says it wrote (`FileInfo.filename`), when that is one of ours (the egress may
   * add an extension); undefined to keep the location that was asked for.
   */
  reported(filename: string): string | undefined;
  /** Whether the recording is there. */
  exists(location: string): Promise<boolean>;
  /**
   * Runs `use` with the recording as a local file (a bucket's object is downloaded to a temporary
   * file under DATA_DIR, bounded in size, and removed afterwards).
   */
  withLocalFile<T>(location: string, signal: AbortSignal, use: (file: string) => Promise<T>): Promise<T>;
  /** Answers a request for the recording, range requests included (206, 416); false when it is not there. */
  serve(location: string, req: Request, res: Response): Promise<boolean>;
  /**
   * Deletes the recording (its document was deleted); one that is not there is fine. Throws when
   * the storage cannot be reached. `location` comes from the database, never from a client.
   */
  remove(location: string): Promise<void>;
}

/** The largest recording downloaded from a bucket for transcription (about 9 hours of Opus at 64 kbit/s). */
export const MAX_RECORDING_BYTES = 256 * 1024 * 1024;
