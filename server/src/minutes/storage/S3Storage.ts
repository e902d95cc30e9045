import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request, Response } from "express";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { DirectFileOutput, S3Upload } from "livekit-server-sdk";
import { parse as parseRange } from "range-parser";
import type { Logger } from "../../logger.ts";
import { PermanentJobError } from "../JobQueue.ts";
import { recordingsUnreachable } from "../errors.ts";
import { MAX_RECORDING_BYTES, type RecordingStorage } from "./RecordingStorage.ts";
import type { RecordingsS3Settings } from "./settings.ts";

const SCHEME = "s3://";

/**
 * Recordings in an S3-compatible bucket: Track Egress uploads each one itself (an `S3Upload` in its
 * `DirectFileOutput`, with the bucket's credentials), Confer downloads it to transcribe and streams
 * it to members, range requests passed through to the bucket. Nothing is ever served by redirect:
 * the bucket stays private and every byte goes through the same authorization as the minutes.
 */
export class S3Storage implements RecordingStorage {
  private readonly client: S3Client;

  constructor(
    private readonly s3: RecordingsS3Settings,
    /** Where recordings are downloaded to for transcription: the process' scratch directory (ScratchSpace). */
    private readonly tmpDir: string,
    private readonly log: Logger,
    /** The largest object downloaded for transcription. */
    private readonly maxBytes = MAX_RECORDING_BYTES,
    /** Where recordings made before the switch to a bucket are (files in RECORDINGS_DIR); still read from there. */
    private readonly earlier?: RecordingStorage,
  ) {
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secret },
      maxAttempts: 3,
    });
  }

  /** The object key `<prefix><meeting>/<track>-<n>.ogg`: meeting ids and track sids are checked by the recorder. */
  output(meetingId: string, trackSid: string, n: number): { location: string; output: DirectFileOutput } {
    const key = `${this.s3.prefix}${meetingId}/${trackSid}-${n}.ogg`;
    const { bucket, region, endpoint, accessKey, secret, forcePathStyle } = this.s3;
    const upload = new S3Upload({ bucket, region, endpoint: endpoint ?? "", accessKey, secret, forcePathStyle });
    return { location: this.location(key), output: new DirectFileOutput({ filepath: key, output: { case: "s3", value: upload } }) };
  }

  /** Egress reports the key it uploaded to as the file name (without its own storage prefix, which must be empty). */
  reported(filename: string): string | undefined {
    const key = filename.replace(/^\/+/, "");
    const safe = key.startsWith(this.s3.prefix) && key.endsWith(".ogg") && !key.split("/").some((s) => s === ".." || s === "." || s === "");
    return safe ? this.location(key) : undefined;
  }

  async exists(location: string): Promise<boolean> {
    if (this.earlier && !location.startsWith(SCHEME)) return this.earlier.exists(location);
    const key = this.keyOf(location);
    return !!key && (await this.head(key)) !== undefined;
  }

  async withLocalFile<T>(location: string, signal: AbortSignal, use: (file: string) => Promise<T>): Promise<T> {
    if (this.earlier && !location.startsWith(SCHEME)) return this.earlier.withLocalFile(location, signal, use);
    const key = this.keyOf(location);
    if (!key) throw new PermanentJobError(`The recording ${path.posix.basename(location)} is not in the bucket ${this.s3.bucket}.`);
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: key }), { abortSignal: signal });
    const body = object.Body as Readable | undefined;
    if ((object.ContentLength ?? 0) > this.maxBytes) {
      body?.destroy();
      throw new PermanentJobError(`The recording ${path.posix.basename(key)} is larger than ${this.maxBytes} bytes: too large to transcribe.`);
    }
    fs.mkdirSync(this.tmpDir, { recursive: true });
    const file = path.join(this.tmpDir, `recording-${randomUUID()}.ogg`);
    try {
      let bytes = 0;
      const maxBytes = this.maxBytes;
      // The length the bucket announced is not trusted: the download stops at the bound whatever it said.
      const bound = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > maxBytes ? new PermanentJobError(`The recording ${path.posix.basename(key)} is larger than ${maxBytes} bytes: too large to transcribe.`) : null, chunk);
        },
      });
      await pipeline(body ?? Readable.from([]), bound, fs.createWriteStream(file, { flags: "wx" }), { signal });
      return await use(file);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async serve(location: string, req: Request, res: Response): Promise<boolean> {
    if (this.earlier && !location.startsWith(SCHEME)) return this.earlier.serve(location, req, res);
    const key = this.keyOf(location);
    const head = key ? await this.head(key) : undefined;
    if (!key || !head) return false;
    const size = head.size;
    res.setHeader("Accept-Ranges", "bytes");
    res.setHeader("Content-Type", "audio/ogg");
    let range: { start: number; end: number } | undefined;
    const header = req.headers.range;
    if (header && size > 0) {
      const parsed = parseRange(size, header);
      if (parsed.type === "bytes" && parsed.code === 2 && parsed.ranges.length === 0) {
        res.status(416).setHeader("Content-Range", `bytes */${size}`);
        res.end();
        return true;
      }
      // One satisfiable range is served as such; a malformed header or several ranges get the whole recording (as `send` does).
      if (parsed.type === "bytes" && parsed.code === 0 && parsed.ranges.length === 1) range = parsed.ranges[0];
    }
    const length = range ? range.end - range.start + 1 : size;
    res.status(range ? 206 : 200).setHeader("Content-Length", String(length));
    if (range) res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
    if (req.method === "HEAD" || length === 0) {
      res.end();
      return true;
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    let object;
    try {
      object = await this.client.send(
        // IfMatch: the bytes come from the very object whose size was announced.
        new GetObjectCommand({ Bucket: this.s3.bucket, Key: key, IfMatch: head.etag, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        { abortSignal: abort.signal },
      );
    } catch (err) {
      if (abort.signal.aborted) return true;
      this.log.warn({ err: (err as Error).message, key }, "could not read a recording from the bucket");
      res.removeHeader("Content-Range");
      res.removeHeader("Content-Length");
      throw recordingsUnreachable();
    }
    await pipeline(object.Body as Readable, res).catch((err: Error) => {
      if (!abort.signal.aborted) this.log.warn({ err: err.message, key }, "a recording stopped streaming from the bucket");
    });
    return true;
  }

  /** Deletes the object (DeleteObject; a key that is not there is fine); a recording from before the switch is unlinked from RECORDINGS_DIR. */
  async remove(location: string): Promise<void> {
    if (this.earlier && !location.startsWith(SCHEME)) return this.earlier.remove(location);
    const key = this.keyOf(location);
    if (!key) throw new Error(`The recording ${path.posix.basename(location)} is not in the bucket ${this.s3.bucket}; left in place.`);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: key }));
  }

  private location(key: string): string {
    return `${SCHEME}${this.s3.bucket}/${key}`;
  }

  /** The object key of one of this bucket's locations, else undefined. */
  private keyOf(location: string): string | undefined {
    const mine = `${SCHEME}${this.s3.bucket}/`;
    return location.startsWith(mine) ? location.slice(mine.length) : undefined;
  }

  /** The object's size and ETag; undefined when it is not there. Throws (503) when the bucket cannot be reached. */
  private async head(key: string): Promise<{ size: number; etag: string | undefined } | undefined> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.s3.bucket, Key: key }));
      return { size: h.ContentLength ?? 0, etag: h.ETag };
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return undefined;
      this.log.warn({ err: (err as Error).message, key }, "could not reach the recordings bucket");
      throw recordingsUnreachable();
    }
  }
}
