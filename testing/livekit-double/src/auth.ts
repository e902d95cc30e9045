import { decodeJwt, jwtVerify } from "jose";

/** The `video` grant of a LiveKit token, as LiveKit's `auth.VideoGrant` reads it from JSON. */
export interface VideoGrant {
  room?: string;
  roomJoin?: boolean;
  roomAdmin?: boolean;
  roomCreate?: boolean;
  roomList?: boolean;
  roomRecord?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: string[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
  ingressAdmin?: boolean;
  destinationRoom?: string;
}

/** The claims of a verified LiveKit token (access token, API token or webhook signature). */
export interface Claims {
  iss: string;
  sub?: string;
  nbf?: number;
  exp: number;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  video?: VideoGrant;
  sha256?: string;
}

/** Why a token was refused; the message mirrors LiveKit's `ErrInvalidAuthorizationToken` family. */
export class TokenError extends Error {}

/**
 * Verifies LiveKit JWTs the way livekit-server does: the issuer names an API key, the signature is
 * HS256 with that key's secret, and `exp` must be present and in the future.
 */
export class ApiKeys {
  private readonly secrets: Map<string, Uint8Array>;

  constructor(keys: Record<string, string>) {
    this.secrets = new Map(Object.entries(keys).map(([k, s]) => [k, new TextEncoder().encode(s)]));
  }

  /** The verified claims of `token`, or a `TokenError`. */
  async verify(token: string): Promise<Claims> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new TokenError("invalid authorization token");
    }
    const secret = issuer ? this.secrets.get(issuer) : undefined;
    if (!secret) throw new TokenError("invalid API key");
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], requiredClaims: ["exp"] });
      return payload as unknown as Claims;
    } catch (err) {
      throw new TokenError(`invalid authorization token: ${(err as Error).message}`);
    }
  }
}

/** What a RoomService method needs from the caller's grant (LiveKit `pkg/service/auth.go`). */
export type GrantNeed = { kind: "create" } | { kind: "list" } | { kind: "record" } | { kind: "admin"; room: string };

/** Whether `video` satisfies `need`, exactly as LiveKit's `Ensure*Permission` functions decide. */
export function hasGrant(video: VideoGrant | undefined, need: GrantNeed): boolean {
  if (!video) return false;
  switch (need.kind) {
    case "create":
      return video.roomCreate === true;
    case "list":
      return video.roomList === true;
    case "record":
      return video.roomRecord === true;
    case "admin":
      return video.roomAdmin === true && video.room === need.room;
  }
}
