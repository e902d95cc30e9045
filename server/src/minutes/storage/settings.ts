import { z } from "zod";

/** An optional setting: unset or empty means "not set". */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** The `RECORDINGS_S3_*` settings (README.md: Recordings in a bucket). */
export const recordingsS3Env = {
  RECORDINGS_S3_BUCKET: optional(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name (3-63 lower-case letters, digits, dots and hyphens)")).describe(
    "S3-compatible bucket that Track Egress uploads recordings to, instead of RECORDINGS_DIR; needs the access key and secret.",
  ),
  RECORDINGS_S3_REGION: optional(z.string().regex(/^[a-z0-9-]{1,32}$/, "must look like us-east-1")).describe("Region of the recordings bucket (default us-east-1)."),
  RECORDINGS_S3_ENDPOINT: optional(z.string().url().refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")).describe(
    "Address of an S3-compatible service (MinIO, Garage, …); unset: AWS S3. Egress and Confer both use it.",
  ),
  RECORDINGS_S3_ACCESS_KEY: optional(z.string()).describe("Access key for the recordings bucket (Egress writes with it, Confer reads with it)."),
  RECORDINGS_S3_SECRET: optional(z.string()).describe("Secret of RECORDINGS_S3_ACCESS_KEY (never logged)."),
  RECORDINGS_S3_FORCE_PATH_STYLE: optional(z.enum(["true", "false"], { message: "must be true or false" })).describe(
    "true to address the bucket as ENDPOINT/bucket/key (MinIO and most self-hosted services); default false.",
  ),
  RECORDINGS_S3_PREFIX: optional(
    z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_.\-/]*$/, "letters, digits and _ . - / only")
      .refine((p) => !p.startsWith("/") && !p.split("/").some((s) => s === ".." || s === "."), "must not start with / or contain . or .. segments"),
  ).describe("Key prefix of recordings in the bucket (e.g. confer/recordings/); default none."),
};

type S3Env = { [K in keyof typeof recordingsS3Env]?: z.infer<(typeof recordingsS3Env)[K]> };

/** Where Track Egress uploads recordings and Confer reads them, when they go to a bucket. */
export interface RecordingsS3Settings {
  bucket: string;
  region: string;
  /** An S3-compatible service's address; undefined for AWS S3. */
  endpoint: string | undefined;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
  /** Prepended to every object key; empty or ending in "/". */
  prefix: string;
}

/**
 * The bucket settings, or undefined when no `RECORDINGS_S3_*` is set. Returns the reasons a person
 * must fix when they are set only in part, as "NAME: why" lines.
 */
export function recordingsS3(e: S3Env): { settings?: RecordingsS3Settings; problems: string[] } {
  const given = (Object.keys(recordingsS3Env) as (keyof S3Env)[]).filter((k) => e[k] !== undefined);
  if (given.length === 0) return { problems: [] };
  const problems: string[] = [];
  const need = (name: keyof S3Env, why: string) => {
    if (e[name] === undefined) problems.push(`${name}: ${why} (${given.join(", ")} ${given.length === 1 ? "is" : "are"} set)`);
  };
  need("RECORDINGS_S3_BUCKET", "needed to store recordings in a bucket");
  need("RECORDINGS_S3_ACCESS_KEY", "needed with RECORDINGS_S3_BUCKET: LiveKit Egress uploads with it and Confer reads with it");
  need("RECORDINGS_S3_SECRET", "needed with RECORDINGS_S3_ACCESS_KEY");
  if (problems.length) return { problems };
  const prefix = e.RECORDINGS_S3_PREFIX ? e.RECORDINGS_S3_PREFIX.replace(/\/*$/, "/").replace(/\/{2,}/g, "/") : "";
  return {
    problems,
    settings: {
      bucket: e.RECORDINGS_S3_BUCKET!,
      region: e.RECORDINGS_S3_REGION ?? "us-east-1",
      endpoint: e.RECORDINGS_S3_ENDPOINT?.replace(/\/$/, ""),
      accessKey: e.RECORDINGS_S3_ACCESS_KEY!,
      secret: e.RECORDINGS_S3_SECRET!,
      forcePathStyle: e.RECORDINGS_S3_FORCE_PATH_STYLE === "true",
      prefix: prefix === "/" ? "" : prefix,
    },
  };
}
