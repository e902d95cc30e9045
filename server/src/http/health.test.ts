import { describe, expect, it } from "vitest";
import { HealthChecks } from "./health.ts";

const never = () => new Promise(() => {});

describe("HealthChecks", () => {
  it("is ok when every check answers, with each check's latency", async () => {
    const h = new HealthChecks();
    h.register("database", async () => 1);
    h.register("redis", async () => "PONG", { required: false });
    const r = await h.run();
    expect(r.status).toBe("ok");
    expect(r.ok).toBe(true);
    expect(r.database).toMatchObject({ ok: true });
    expect((r.redis as { latencyMs: number }).latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is degraded when an optional check fails, and down when a required one does", async () => {
    const h = new HealthChecks();
    h.register("database", async () => 1);
    const dropLivekit = h.register("livekit", () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.7:7880")), { required: false });
    const degraded = await h.run();
    expect(degraded.status).toBe("degraded");
    expect(degraded.ok).toBe(true);
    // The reason shown is generic: addresses and messages of dependencies go to the log only.
    expect(degraded.livekit).toEqual({ ok: false, latencyMs: expect.any(Number), error: "failed" });

    h.register("redis", () => Promise.reject(new Error("down")));
    const down = await h.run();
    expect(down.status).toBe("down");
    expect(down.ok).toBe(false);

    dropLivekit();
    expect(h.names).toEqual(["database", "redis"]);
  });

  it("fails a check that does not answer within its timeout", async () => {
    const h = new HealthChecks();
    h.register("database", never, { timeoutMs: 50 });
    const t0 = performance.now();
    const r = await h.run();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe("down");
    expect(r.database).toMatchObject({ ok: false, error: "timed out" });
  });

  it("reuses a result for cacheMs", async () => {
    const h = new HealthChecks();
    let calls = 0;
    h.register("livekit", async () => calls++, { cacheMs: 60_000 });
    await h.run();
    await h.run();
    expect(calls).toBe(1);
  });

  it("refuses names that are fields of the report", () => {
    const h = new HealthChecks();
    expect(() => h.register("status", async () => 1)).toThrow(/field of the health report/);
  });
});
