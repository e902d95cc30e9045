import { describe, expect, test } from "vitest";
import { recordingLink } from "./recordingLinks.ts";

const origin = "http://localhost:4100";

describe("recording links in the minutes", () => {
  test("a timestamp plays its speaker's recording from the media fragment's second", () => {
    expect(recordingLink(`${origin}/api/meetings/m_1/recordings/TR_abc-1.ogg#t=12`, origin)).toEqual({ meetingId: "m_1", file: "TR_abc-1.ogg", at: 12 });
    expect(recordingLink(`${origin}/api/meetings/m_1/recordings/TR_abc-1.ogg`, origin)).toEqual({ meetingId: "m_1", file: "TR_abc-1.ogg", at: 0 });
    expect(recordingLink("/api/meetings/m_1/recordings/a%20b.ogg#t=1.5", origin)).toEqual({ meetingId: "m_1", file: "a b.ogg", at: 1.5 });
  });

  test("any other link is left alone: another origin, another path, a broken one", () => {
    expect(recordingLink("https://evil.example/api/meetings/m_1/recordings/x.ogg#t=3", origin)).toBeUndefined();
    expect(recordingLink(`${origin}/api/meetings/m_1/minutes`, origin)).toBeUndefined();
    expect(recordingLink(`${origin}/api/meetings/m_1/recordings/a/b.ogg`, origin)).toBeUndefined();
    expect(recordingLink(`${origin}/api/meetings/m_1/recordings/%E0%A4%A.ogg`, origin)).toBeUndefined();
    expect(recordingLink("http://[bad", origin)).toBeUndefined();
  });
});
