import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { liveKitConnection } from "./MeetingService.ts";
import { liveKitHttpOrigin } from "./rooms.ts";

describe("LiveKit settings", () => {
  it("are off until URL, key and secret are all set, naming what is missing", () => {
    expect(liveKitConnection(loadConfig({}).livekit)).toEqual(["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]);
    expect(liveKitConnection(loadConfig({ LIVEKIT_URL: "wss://lk.example.com", LIVEKIT_API_KEY: "" }).livekit)).toEqual(["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]);
  });
  it("call the API at LIVEKIT_API_URL when set, else at LIVEKIT_URL", () => {
    const base = { LIVEKIT_URL: "wss://lk.example.com/", LIVEKIT_API_KEY: "k", LIVEKIT_API_SECRET: "s" };
    expect(liveKitConnection(loadConfig(base).livekit)).toEqual({ url: "wss://lk.example.com", apiUrl: "wss://lk.example.com", apiKey: "k", apiSecret: "s" });
    expect(liveKitConnection(loadConfig({ ...base, LIVEKIT_API_URL: "http://livekit:7880" }).livekit)).toMatchObject({ apiUrl: "http://livekit:7880" });
  });
  it("refuse a URL that is not ws(s) or http(s) with a readable error", () => {
    expect(() => loadConfig({ LIVEKIT_URL: "ftp://lk.example.com" })).toThrow(/LIVEKIT_URL must start with ws:\/\//);
    expect(() => loadConfig({ LIVEKIT_URL: "not a url" })).toThrow(/LIVEKIT_URL/);
  });
  it("let pages fetch LiveKit's validate endpoint (CSP connect-src)", () => {
    expect(liveKitHttpOrigin("wss://lk.example.com")).toEqual(["https://lk.example.com", "wss://lk.example.com"]);
    expect(liveKitHttpOrigin("ws://127.0.0.1:7880")).toEqual(["http://127.0.0.1:7880", "ws://127.0.0.1:7880"]);
    expect(liveKitHttpOrigin(undefined)).toEqual([]);
  });
});
