import fs from "node:fs";
import path from "node:path";
import type { Request, Response } from "express";
import { DirectFileOutput } from "livekit-server-sdk";
import type { RecordingStorage } from "./RecordingStorage.ts";

/** Recordings as files in RECORDINGS_DIR, a directory the egress service and Confer share. */
export class DirectoryStorage implements RecordingStorage {
  private readonly dir: string;

  constructor(recordingsDir: string) {
    this.dir = path.resolve(recordingsDir);
  }

  output(meetingId: string, trackSid: string, n: number): { location: string; output: DirectFileOutput } {
    const dir = path.join(this.dir, meetingId);
    fs.mkdirSync(dir, { recursive: true });
    const filepath = path.join(dir, `${trackSid}-${n}.ogg`);
    return { location: filepath, output: new DirectFileOutput({ filepath }) };
  }

  reported(filename: string): string | undefined {
    const reported = path.resolve(this.dir, filename);
    return reported.startsWith(this.dir + path.sep) && reported.endsWith(".ogg") ? reported : undefined;
  }

  async exists(location: string): Promise<boolean> {
    return fs.existsSync(location);
  }

  withLocalFile<T>(location: string, _signal: AbortSignal, use: (file: string) => Promise<T>): Promise<T> {
    return use(location);
  }

  /** Unlinks the file, and its meeting's folder once empty; only files of ours (in RECORDINGS_DIR, `.ogg`) are touched. */
  async remove(location: string): Promise<void> {
    if (this.reported(location) !== location) throw new Error(`${path.basename(location)} is not a recording in RECORDINGS_DIR; left in place.`);
    await fs.promises.rm(location, { force: true });
    const folder = path.dirname(location);
    if (folder !== this.dir) await fs.promises.rmdir(folder).catch(() => undefined); // not empty yet, or gone already
  }

  async serve(location: string, _req: Request, res: Response): Promise<boolean> {
    if (!fs.existsSync(location)) return false;
    // express's sendFile (the `send` module) answers Range requests: 206 with Content-Range, 416 outside the file.
    await new Promise<void>((resolve, reject) => {
      res.sendFile(location, { cacheControl: false, dotfiles: "deny", acceptRanges: true, headers: { "Content-Type": "audio/ogg" } }, (err) => {
        if (err && !res.headersSent) reject(err);
        else resolve();
      });
    });
    return true;
  }
}
