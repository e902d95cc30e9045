import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { parseTrustProxy } from "./trustProxy.ts";

const trust = (TRUST_PROXY?: string) => loadConfig(TRUST_PROXY === undefined ? {} : { TRUST_PROXY }).trustProxy;

describe("TRUST_PROXY", () => {
  it("defaults to believing no proxy", () => {
    expect(trust()).toBe(false);
    expect(trust("false")).toBe(false);
    expect(trust("0")).toBe(false);
  });

  it("takes a hop count", () => {
    expect(trust("1")).toBe(1);
    expect(trust("2")).toBe(2);
  });

  it("takes addresses and subnets, IPv4 and IPv6, and Express's named ranges", () => {
    expect(trust("10.0.0.0/8")).toEqual(["10.0.0.0/8"]);
    expect(trust("10.0.0.0/8, 192.168.1.2 ,fd00::/8")).toEqual(["10.0.0.0/8", "192.168.1.2", "fd00::/8"]);
    expect(trust("loopback,uniquelocal")).toEqual(["loopback", "uniquelocal"]);
  });

  it("refuses `true`, which would believe any X-Forwarded-For, and says what to set instead", () => {
    expect(() => trust("true")).toThrow(/Invalid settings:\n {2}TRUST_PROXY: .*escape the rate limits.*TRUST_PROXY=1.*TRUST_PROXY=10\.0\.0\.0\/8/);
    expect(() => trust("TRUE")).toThrow(/TRUST_PROXY=1/);
  });

  it.each(["yes", "10.0.0.0/33", "::1/129", "10.0.0/8", "10.0.0.0/8/1", "1.2.3.4/x", "-1", "1.5", "101"])("refuses %j with a readable message", (value) => {
    const parsed = parseTrustProxy(value);
    expect(parsed).toHaveProperty("error");
    expect(() => trust(value)).toThrow(/^Invalid settings:\n {2}TRUST_PROXY: /);
  });
});
