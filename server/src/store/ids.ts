import crypto from "node:crypto";

/** A new random, URL-safe identifier (96 bits). */
export const newId = () => crypto.randomBytes(12).toString("base64url");

/** A new secret token (256 bits), shown once and stored only as its hash. */
export const newToken = () => crypto.randomBytes(32).toString("base64url");

/** The stored form of a secret token. */
export const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("base64url");

/** The shape of the ids `newId` makes, checked before an id reaches a query. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
