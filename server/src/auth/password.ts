import crypto from "node:crypto";
import { promisify } from "node:util";

// The callback form runs in libuv's thread pool, so hashing never blocks the event loop.
const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/** scrypt cost parameters, as stored in each hash. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The cost new hashes use: OWASP's minimum for scrypt (N=2^17, r=8, p=1), 128 MiB of memory per hash. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LEN = 32;
// Stored hashes are ours, but a hash is never trusted to make us allocate without bound.
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16 };

/** scrypt needs 128·N·r bytes; Node refuses more than `maxmem`, 32 MiB by default. */
const maxmemFor = ({ N, r }: ScryptParams) => 128 * N * r + 16 * 1024 * 1024;

/** Hashes a password with scrypt and a random salt: `scrypt$N$r$p$salt$key`, so the cost travels with it. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { ...params, maxmem: maxmemFor(params) });
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

/** Reads a stored hash; undefined when it is not one of ours or its parameters are out of bounds. */
function parseHash(stored: string): ParsedHash | undefined {
  const [kind, n, r, p, saltText, keyText, ...rest] = stored.split("$");
  if (kind !== "scrypt" || !saltText || !keyText || rest.length > 0) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const isPowerOfTwo = Number.isInteger(params.N) && params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (!isPowerOfTwo || params.N > LIMITS.maxN) return undefined;
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > LIMITS.maxR) return undefined;
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > LIMITS.maxP) return undefined;
  const key = Buffer.from(keyText, "base64url");
  if (key.length < 16) return undefined;
  return { ...params, salt: Buffer.from(saltText, "base64url"), key };
}

/** Checks a password against a stored hash (with the parameters stored in it) in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: maxmemFor(parsed) });
  return crypto.timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash is weaker than what new hashes use; call after a successful sign-in to rehash. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p || parsed.key.length < KEY_LEN;
}

/**
 * A hash to compare against when the email is unknown, so both paths take the same time. A fixed
 * hash of random bytes nobody kept (made at today's cost, which a test checks): computing one at
 * start-up would cost every start a good part of a second, and knowing its password would open nothing.
 */
export const DUMMY_HASH = "scrypt$131072$8$1$BoUGmidKF1P2wrv0BPP4gg$ysT6RRJNCnpjyozetvT4vRLE2CTEsaUeRuCa5Fhi0u0";
