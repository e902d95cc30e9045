import net from "node:net";

/**
 * Which proxies in front of Confer are believed about the client's address and scheme
 * (X-Forwarded-For / X-Forwarded-Proto): none, the nearest `n` hops, or those at these addresses.
 * Passed as is to Express's `trust proxy`.
 */
export type TrustProxy = false | number | string[];

/** Express's names for address ranges, accepted alongside addresses and subnets. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

const MAX_HOPS = 100;

/**
 * Reads the TRUST_PROXY setting: `false` (default), a hop count (`1`), or a comma-separated list of
 * addresses and subnets (`10.0.0.0/8, 192.168.1.2`). Returns a message a person can act on when the
 * value is not one of those. `true` is refused: it would believe any X-Forwarded-For header, so a
 * client could pick a new address for every request and never meet a rate limit.
 */
export function parseTrustProxy(raw: string): { value: TrustProxy } | { error: string } {
  const text = raw.trim().toLowerCase();
  if (text === "" || text === "false" || text === "0") return { value: false };
  if (text === "true") {
    return {
      error:
        "TRUST_PROXY=true would believe any X-Forwarded-For header, so anyone could pose as a new address on every request and escape the rate limits. " +
        "Set how many proxies stand in front of Confer instead (usually TRUST_PROXY=1), or their addresses (e.g. TRUST_PROXY=10.0.0.0/8).",
    };
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return { error: `TRUST_PROXY=${text} is not a sensible number of proxies; use the number in front of Confer (usually 1).` };
    return { value: hops };
  }
  const entries = raw.split(",").map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !isAddressOrSubnet(e));
  if (bad.length > 0) {
    return {
      error:
        `${bad.map((b) => JSON.stringify(b)).join(", ")} is not an address or subnet. ` +
        "Use false, a number of proxies (e.g. 1), or a comma-separated list of proxy addresses or subnets (e.g. 10.0.0.0/8, 192.168.1.2).",
    };
  }
  return { value: entries };
}

function isAddressOrSubnet(entry: string): boolean {
  if (NAMED_RANGES.has(entry.toLowerCase())) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
