import path from "node:path";
import type { Logger } from "../logger.ts";
import type { RecordingStorage } from "./storage/RecordingStorage.ts";

/** Removals under way at once: a document with many meetings has many files, and a bucket answers each in turn. */
const AT_ONCE = 8;

/**
 * Removes the files of recordings whose rows are gone (their document was deleted), a few at a
 * time. One that cannot be removed is logged by its file name and the storage's message (never a
 * credential) and the others go on. Returns how many could not be removed.
 */
export async function removeRecordings(storage: RecordingStorage, locations: string[], log: Logger): Promise<number> {
  const queue = [...new Set(locations)];
  const total = queue.length;
  let failed = 0;
  const worker = async () => {
    for (let location = queue.shift(); location !== undefined; location = queue.shift()) {
      try {
        await storage.remove(location);
      } catch (err) {
        failed++;
        log.warn({ err: (err as Error).message, file: path.posix.basename(location) }, "could not remove the recording of a deleted document");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, queue.length) }, worker));
  if (total) log.info({ removed: total - failed, failed }, "recordings of a deleted document removed");
  return failed;
}
