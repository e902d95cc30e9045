import type { IncomingMessage, ServerResponse } from "node:http";
import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  UpdateParticipantRequest,
} from "@livekit/protocol";
import { hasGrant, TokenError, type ApiKeys, type Claims, type GrantNeed } from "./auth.ts";
import type { RoomRegistry } from "./RoomRegistry.ts";
import { readBody, TWIRP_STATUS, TwirpError, writeTwirpError, writeTwirpJson } from "./twirp.ts";

/** Path prefix of the RoomService, as livekit-server-sdk calls it. */
export const ROOM_SERVICE_PREFIX = "/twirp/livekit.RoomService/";

const MAX_BODY = 1 << 20;

/** One RoomService method: the grant it needs (from the request) and what it does. */
interface Method {
  need(body: unknown): GrantNeed;
  run(body: unknown): unknown;
}

/** A call the double received, for tests that assert what the product asked LiveKit to do. */
export interface RoomServiceCall {
  method: string;
  body: unknown;
  /** The answer's HTTP status. */
  status: number;
}

/**
 * LiveKit's RoomService over Twirp JSON, with LiveKit's grant table: CreateRoom and DeleteRoom need
 * `roomCreate`, ListRooms `roomList`, the participant calls `roomAdmin` for that very room. A bad
 * Authorization header is a plain-text 401 (LiveKit's auth middleware); a missing grant is Twirp's
 * `unauthenticated` (401) with `{code,msg}`, as `twirpAuthError` makes it.
 */
export class RoomService {
  /** Every call, oldest first. */
  readonly calls: RoomServiceCall[] = [];
  /** Called before each method runs (tests use it to delay or fail LiveKit). */
  beforeCall: ((method: string, body: unknown) => void | Promise<void>) | undefined;
  private readonly methods: Record<string, Method>;

  constructor(
    private readonly keys: ApiKeys,
    rooms: RoomRegistry,
  ) {
    const admin = (body: unknown): GrantNeed => ({ kind: "admin", room: (body as { room: string }).room });
    this.methods = {
      CreateRoom: { need: () => ({ kind: "create" }), run: (b) => rooms.create(b as CreateRoomRequest) },
      ListRooms: { need: () => ({ kind: "list" }), run: (b) => new ListRoomsResponse({ rooms: rooms.list((b as ListRoomsRequest).names) }) },
      DeleteRoom: {
        need: () => ({ kind: "create" }),
        run: (b) => {
          rooms.delete((b as DeleteRoomRequest).room);
          return new DeleteRoomResponse();
        },
      },
      ListParticipants: { need: admin, run: (b) => new ListParticipantsResponse({ participants: rooms.participants((b as ListParticipantsRequest).room) }) },
      GetParticipant: { need: admin, run: (b) => rooms.participant((b as RoomParticipantIdentity).room, (b as RoomParticipantIdentity).identity) },
      RemoveParticipant: {
        need: admin,
        run: (b) => {
          const req = b as RoomParticipantIdentity;
          rooms.remove(req.room, req.identity, req.revokeTokenTs || undefined);
          return new RemoveParticipantResponse();
        },
      },
      MutePublishedTrack: {
        need: admin,
        run: (b) => {
          const req = b as MuteRoomTrackRequest;
          return new MuteRoomTrackResponse({ track: rooms.muteTrack(req.room, req.identity, req.trackSid, req.muted) });
        },
      },
      UpdateParticipant: {
        need: admin,
        run: (b) => {
          const req = b as UpdateParticipantRequest;
          return rooms.update(req.room, req.identity, { name: req.name, metadata: req.metadata, attributes: req.attributes, permission: req.permission });
        },
      },
    };
  }

  /** Handles `POST /twirp/livekit.RoomService/<Method>`. */
  async handle(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const record = (status: number, body: unknown) => void this.calls.push({ method: name, body, status });
    const fail = (err: TwirpError, body: unknown = undefined) => {
      record(TWIRP_STATUS[err.code], body);
      writeTwirpError(res, err);
    };
    const method = this.methods[name];
    if (req.method !== "POST" || !method) return fail(new TwirpError("bad_route", `no handler for path "${req.url}"`));
    const claims = await this.authenticate(req, res);
    if (claims === null) return record(401, undefined);
    const raw = await readBody(req, MAX_BODY);
    if (!raw) return fail(new TwirpError("malformed", "request body too large"));
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return fail(new TwirpError("bad_route", "unexpected Content-Type"));
    let body: unknown;
    try {
      body = parseRequest(name, raw.toString("utf8"));
    } catch {
      return fail(new TwirpError("malformed", "the json request could not be decoded"));
    }
    if (!hasGrant(claims?.video, method.need(body))) return fail(new TwirpError("unauthenticated", "permissions denied"), body);
    try {
      await this.beforeCall?.(name, body);
      const out = method.run(body) as { toJsonString(): string };
      record(200, body);
      writeTwirpJson(res, out.toJsonString());
    } catch (err) {
      if (err instanceof TwirpError) return fail(err, body);
      fail(new TwirpError("internal", (err as Error).message), body);
    }
  }

  /** Claims of the Bearer token; undefined when there is none; null after answering 401. */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Claims | undefined | null> {
    const header = req.headers.authorization;
    if (!header) return undefined;
    const refuse = (message: string) => {
      res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(message);
      return null;
    };
    if (!header.startsWith("Bearer ")) return refuse("invalid authorization header. Must start with Bearer ");
    try {
      return await this.keys.verify(header.slice("Bearer ".length));
    } catch (err) {
      return refuse(err instanceof TokenError ? err.message : "invalid authorization token");
    }
  }
}

const REQUESTS = {
  CreateRoom: CreateRoomRequest,
  ListRooms: ListRoomsRequest,
  DeleteRoom: DeleteRoomRequest,
  ListParticipants: ListParticipantsRequest,
  GetParticipant: RoomParticipantIdentity,
  RemoveParticipant: RoomParticipantIdentity,
  MutePublishedTrack: MuteRoomTrackRequest,
  UpdateParticipant: UpdateParticipantRequest,
} as const;

function parseRequest(method: string, json: string): unknown {
  const type = REQUESTS[method as keyof typeof REQUESTS];
  return type.fromJsonString(json || "{}", { ignoreUnknownFields: true });
}
