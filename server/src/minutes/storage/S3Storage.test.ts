import { describe, expect, it } from "vitest";
import { createLogger } from "../../logger.ts";
import { S3Storage } from "./S3Storage.ts";
import type { RecordingsS3Settings } from "./settings.ts";

const SETTINGS: RecordingsS3Settings = {
  bucket: "confer-recordings",
  region: "eu-west-3",
  endpoint: "http://minio:9000",
  accessKey: "AKIAEXAMPLE",
  secret: "secret-value",
  forcePathStyle: true,
  prefix: "confer/",
};
const storage = new S3Storage(SETTINGS, "/tmp/confer-data", createLogger("silent"));

describe("S3Storage", () => {
  it("asks Track Egress to upload under a key made from the meeting and the track, with the bucket's settings", () => {
    const { location, output } = storage.output("m123", "TR_abc", 2);
    expect(location).toBe("s3://confer-recordings/confer/m123/TR_abc-2.ogg");
    expect(output.filepath).toBe("confer/m123/TR_abc-2.ogg");
    expect(output.output.case).toBe("s3");
    expect(output.output.value).toMatchObject({ bucket: "confer-recordings", region: "eu-west-3", endpoint: "http://minio:9000", accessKey: "AKIAEXAMPLE", secret: "secret-value", forcePathStyle: true });
  });

  it("takes the key egress_ended reports only when it is one of ours", () => {
    expect(storage.reported("confer/m123/TR_abc-2.ogg")).toBe("s3://confer-recordings/confer/m123/TR_abc-2.ogg");
    expect(storage.reported("/confer/m123/TR_abc-2.ogg")).toBe("s3://confer-recordings/confer/m123/TR_abc-2.ogg");
    for (const other of ["elsewhere/m123/TR_abc-2.ogg", "confer/../secrets.ogg", "confer/m123/TR_abc-2.mp4", "confer//x.ogg", ""]) {
      expect(storage.reported(other), other).toBeUndefined();
    }
  });

  it("does not read locations outside its bucket", async () => {
    expect(await storage.exists("s3://another-bucket/confer/m123/TR_abc-2.ogg")).toBe(false);
    await expect(storage.withLocalFile("s3://another-bucket/confer/x.ogg", new AbortController().signal, async () => "read")).rejects.toThrow(/not in the bucket confer-recordings/);
  });

  it("deletes nothing outside its bucket", async () => {
    await expect(storage.remove("s3://another-bucket/confer/m123/TR_abc-2.ogg")).rejects.toThrow(/not in the bucket confer-recordings; left in place/);
  });
});
