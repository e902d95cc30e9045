import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { settings } from "../src/config.ts";

const deployDir = fileURLToPath(new URL("../../deploy/", import.meta.url));

/** What every Confer process in a multi-process deployment must be told. */
const REQUIRED = ["DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "TRUST_PROXY", "LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "RECORDINGS_DIR"];

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown> | string[];
}

function compose(): { services: Record<string, Service> } {
  // Compose's `<<: *confer` merge keys are YAML 1.1; the yaml package resolves them when asked.
  return parse(fs.readFileSync(`${deployDir}docker-compose.yml`, "utf8"), { merge: true });
}

const envNames = (env: Service["environment"]) => (Array.isArray(env) ? env.map((e) => e.split("=")[0]!) : Object.keys(env ?? {}));

describe("the server's list of settings", () => {
  it("has every variable the schema reads, each with a one-line description", () => {
    const names = settings.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["PORT", "PUBLIC_URL", "TRUST_PROXY", "LIVEKIT_URL", "METRICS_TOKEN", "METRICS_PORT"]));
    expect(new Set(names).size).toBe(names.length);
    for (const s of settings) {
      expect(s.description, s.name).toMatch(/\S/);
      expect(s.description, s.name).not.toContain("\n");
    }
  });

  it("are all in README.md's tables", () => {
    const readme = fs.readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    const listed = new Set([...readme.matchAll(/^\| `([A-Z0-9_]+)`(?: \/ `([A-Z0-9_]+)`)?/gm)].flatMap((m) => [m[1], m[2]]));
    expect(settings.map((s) => s.name).filter((n) => !listed.has(n))).toEqual([]);
  });
});

describe("deploy/docker-compose.yml", () => {
  const services = compose().services;
  const confer = Object.entries(services).filter(([, s]) => s.image?.startsWith("confer"));

  it("runs three Confer processes from one image, beside PostgreSQL, Redis, a proxy, LiveKit and Egress", () => {
    expect(confer.map(([name]) => name)).toEqual(["confer1", "confer2", "confer3"]);
    for (const [, s] of confer) expect(s.build).toMatchObject({ dockerfile: "deploy/Dockerfile" });
    const images = Object.values(services).map((s) => s.image ?? "");
    for (const image of ["postgres:", "redis:", "caddy:", "livekit/livekit-server:", "livekit/egress:"]) {
      expect(images.some((i) => i.startsWith(image)), image).toBe(true);
    }
  });

  it("sets only the server's own settings on the Confer services, and the required ones", () => {
    const known = new Set(settings.map((s) => s.name));
    for (const [name, s] of confer) {
      const env = envNames(s.environment);
      expect(env.filter((e) => !known.has(e)), `${name}: unknown settings`).toEqual([]);
      expect(REQUIRED.filter((r) => !env.includes(r)), `${name}: missing settings`).toEqual([]);
    }
  });

  it("mounts the files it names, and the recordings at RECORDINGS_DIR in both Confer and Egress", () => {
    for (const file of ["Dockerfile", "Caddyfile", "livekit.yaml", "egress.yaml", "example.env", "README.md"]) {
      expect(fs.existsSync(`${deployDir}${file}`), file).toBe(true);
    }
    const dir = (services.confer1!.environment as Record<string, string>).RECORDINGS_DIR;
    const mounts = (s: Service) => ((s as { volumes?: string[] }).volumes ?? []).map((v) => v.split(":")[1]);
    expect(mounts(services.confer1!)).toContain(dir);
    expect(mounts(services.egress!)).toContain(dir);
    for (const f of ["livekit.yaml", "egress.yaml"]) expect(() => parse(fs.readFileSync(`${deployDir}${f}`, "utf8")), f).not.toThrow();
  });
});
