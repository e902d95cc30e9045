import { describe, expect, it } from "vitest";
import { ByteMeter, EarlyFrames, MAX_EARLY_FRAMES } from "./EarlyFrames.ts";

describe("early frames", () => {
  it("keeps frames up to a byte bound and refuses the rest", () => {
    const meter = new ByteMeter();
    const early = new EarlyFrames(1000, meter);
    expect(early.push(new Uint8Array(600))).toBe(true);
    expect(early.push(new Uint8Array(600))).toBe(false);
    expect(early.push(new Uint8Array(400))).toBe(true);
    expect(early.push(new Uint8Array(1))).toBe(false);
    expect(early.size).toBe(1000);
    expect(meter.held).toBe(1000);
    expect(early.take().map((f) => f.length)).toEqual([600, 400]);
    expect(meter).toMatchObject({ held: 0, peak: 1000 });
  });

  it("keeps a bounded number of frames, however small", () => {
    const early = new EarlyFrames(1_000_000);
    let kept = 0;
    for (let i = 0; i < 10 * MAX_EARLY_FRAMES; i++) if (early.push(new Uint8Array(1))) kept++;
    expect(kept).toBe(MAX_EARLY_FRAMES);
    early.clear();
    expect(early.size).toBe(0);
  });
});
