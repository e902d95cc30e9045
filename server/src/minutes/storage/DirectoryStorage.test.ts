import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DirectoryStorage } from "./DirectoryStorage.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "confer-recordings-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("DirectoryStorage.remove", () => {
  it("unlinks a recording, then its meeting's folder once empty; a recording already gone is fine", async () => {
    const root = tempDir();
    const storage = new DirectoryStorage(root);
    const first = storage.output("m1", "TR_a", 1).location;
    const second = storage.output("m1", "TR_a", 2).location;
    for (const f of [first, second]) fs.writeFileSync(f, "OggS");
    await storage.remove(first);
    expect(fs.readdirSync(path.join(root, "m1"))).toEqual(["TR_a-2.ogg"]);
    await storage.remove(second);
    expect(fs.existsSync(path.join(root, "m1"))).toBe(false);
    await expect(storage.remove(second)).resolves.toBeUndefined();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it("touches nothing outside RECORDINGS_DIR, nor anything but a recording", async () => {
    const root = tempDir();
    const elsewhere = tempDir();
    const storage = new DirectoryStorage(root);
    const outside = path.join(elsewhere, "m1", "TR_a-1.ogg");
    const notOgg = path.join(root, "m1", "notes.txt");
    for (const f of [outside, notOgg]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, "keep");
    }
    for (const location of [outside, notOgg, path.join(root, "..", path.basename(elsewhere), "m1", "TR_a-1.ogg"), root]) {
      await expect(storage.remove(location), location).rejects.toThrow(/left in place/);
    }
    expect(fs.readFileSync(outside, "utf8")).toBe("keep");
    expect(fs.readFileSync(notOgg, "utf8")).toBe("keep");
  });
});
