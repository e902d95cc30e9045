import type { IncomingMessage, ServerResponse } from "node:http";

/** Twirp error codes used by LiveKit's RoomService, with the HTTP status Twirp gives each. */
export const TWIRP_STATUS = {
  invalid_argument: 400,
  malformed: 400,
  bad_route: 404,
  not_found: 404,
  already_exists: 409,
  unauthenticated: 401,
  permission_denied: 403,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unimplemented: 501,
} as const;

/** A Twirp error code. */
export type TwirpCode = keyof typeof TWIRP_STATUS;

/** An error a Twirp handler answers with: `{ code, msg }` as JSON and the code's status. */
export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }
}

/** Writes a Twirp error the way twitchtv/twirp does (Content-Type exactly `application/json`). */
export function writeTwirpError(res: ServerResponse, err: TwirpError): void {
  res.writeHead(TWIRP_STATUS[err.code], { "Content-Type": "application/json" });
  res.end(JSON.stringify({ code: err.code, msg: err.message }));
}

/** Writes a successful Twirp JSON response. */
export function writeTwirpJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

/** Reads a request body up to `limit` bytes; resolves undefined when it is larger. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
