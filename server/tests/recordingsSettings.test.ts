import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { spawnServer, tempDir } from "./helpers.ts";

const SECRET = "s3cr3t-never-in-a-log-0f9a";
const FULL = { RECORDINGS_S3_BUCKET: "confer-recordings", RECORDINGS_S3_ACCESS_KEY: "AKIAEXAMPLE", RECORDINGS_S3_SECRET: SECRET };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("RECORDINGS_S3_* settings", () => {
  it("are off when none is set: recordings stay in RECORDINGS_DIR", () => {
    // deploy/docker-compose.yml passes every one of them, empty unless deploy/.env fills it in.
    const empty = Object.fromEntries(["BUCKET", "REGION", "ENDPOINT", "ACCESS_KEY", "SECRET", "FORCE_PATH_STYLE", "PREFIX"].map((n) => [`RECORDINGS_S3_${n}`, ""]));
    expect(loadConfig(empty).minutes.s3).toBeUndefined();
  });

  it("resolve with defaults, the prefix ending in one slash", () => {
    expect(loadConfig(FULL).minutes.s3).toEqual({ bucket: "confer-recordings", region: "us-east-1", endpoint: undefined, accessKey: "AKIAEXAMPLE", secret: SECRET, forcePathStyle: false, prefix: "" });
    const minio = loadConfig({ ...FULL, RECORDINGS_S3_ENDPOINT: "http://minio:9000/", RECORDINGS_S3_FORCE_PATH_STYLE: "true", RECORDINGS_S3_PREFIX: "confer/recordings//", RECORDINGS_S3_REGION: "eu-west-3" });
    expect(minio.minutes.s3).toMatchObject({ endpoint: "http://minio:9000", forcePathStyle: true, prefix: "confer/recordings/", region: "eu-west-3" });
  });

  it("set in part or wrong, name what to fix and never repeat the secret", () => {
    const error = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error("loadConfig accepted the settings");
    };
    const onlySecret = error({ RECORDINGS_S3_SECRET: SECRET });
    expect(onlySecret).toMatch(/^Invalid settings:\n {2}RECORDINGS_S3_BUCKET: needed to store recordings in a bucket \(RECORDINGS_S3_SECRET is set\)/);
    expect(onlySecret).toMatch(/RECORDINGS_S3_ACCESS_KEY: needed with RECORDINGS_S3_BUCKET/);
    expect(onlySecret).not.toContain(SECRET);
    expect(error({ RECORDINGS_S3_BUCKET: "b-1", RECORDINGS_S3_ACCESS_KEY: "k" })).toMatch(/RECORDINGS_S3_SECRET: needed with RECORDINGS_S3_ACCESS_KEY/);
    expect(error({ ...FULL, RECORDINGS_S3_BUCKET: "My_Bucket" })).toMatch(/RECORDINGS_S3_BUCKET: must be a bucket name/);
    expect(error({ ...FULL, RECORDINGS_S3_ENDPOINT: "minio:9000" })).toMatch(/RECORDINGS_S3_ENDPOINT/);
    expect(error({ ...FULL, RECORDINGS_S3_FORCE_PATH_STYLE: "yes" })).toMatch(/RECORDINGS_S3_FORCE_PATH_STYLE: must be true or false/);
    expect(error({ ...FULL, RECORDINGS_S3_PREFIX: "../elsewhere" })).toMatch(/RECORDINGS_S3_PREFIX: must not start with \/ or contain \. or \.\. segments/);
    expect(error({ ...FULL, RECORDINGS_S3_PREFIX: "/abs" })).toMatch(/RECORDINGS_S3_PREFIX/);
  });

  it("the server refuses to start on a partial bucket setting, saying why; started with one, it logs no secret", async () => {
    const dataDir = tempDir("confer-s3-settings-");
    dirs.push(dataDir);
    const refused = await spawnServer(dataDir, { RECORDINGS_S3_BUCKET: "confer-recordings", RECORDINGS_S3_SECRET: SECRET }).then(
      ({ child }) => {
        child.kill("SIGKILL");
        return "started";
      },
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/server exited with 1/);
    expect(refused).toContain("RECORDINGS_S3_ACCESS_KEY: needed with RECORDINGS_S3_BUCKET");
    expect(refused).not.toContain(SECRET);

    const { child, output } = await spawnServer(dataDir, { ...FULL, LOG_LEVEL: "trace" });
    try {
      expect(output()).toContain("recordings go to a bucket");
      expect(output()).toContain("confer-recordings");
      expect(output()).not.toContain(SECRET);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
});
