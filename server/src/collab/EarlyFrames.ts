/** Counts bytes held across many buffers, and the most ever held at once. */
export class ByteMeter {
  held = 0;
  peak = 0;

  add(bytes: number): void {
    this.held += bytes;
    if (this.held > this.peak) this.peak = this.held;
  }

  remove(bytes: number): void {
    this.held -= bytes;
  }
}

/** At most this many frames wait for a document to load, whatever their size. */
export const MAX_EARLY_FRAMES = 64;

/**
 * Frames a connection sent before its document was ready. The socket is paused while the document
 * loads, so this normally stays empty; it is bounded in frames and bytes all the same, and a client
 * that overflows it is disconnected.
 */
export class EarlyFrames {
  private frames: Uint8Array[] = [];
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly meter?: ByteMeter,
  ) {}

  /** Keeps a frame; false (and nothing kept) when it would pass the bounds. */
  push(frame: Uint8Array): boolean {
    if (this.frames.length >= MAX_EARLY_FRAMES || this.bytes + frame.length > this.maxBytes) return false;
    this.frames.push(frame);
    this.bytes += frame.length;
    this.meter?.add(frame.length);
    return true;
  }

  /** Hands over the kept frames, oldest first, and forgets them. */
  take(): Uint8Array[] {
    const frames = this.frames;
    this.clear();
    return frames;
  }

  /** Drops every kept frame. */
  clear(): void {
    this.meter?.remove(this.bytes);
    this.frames = [];
    this.bytes = 0;
  }

  /** Bytes kept now. */
  get size(): number {
    return this.bytes;
  }
}
