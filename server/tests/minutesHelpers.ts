import * as Y from "yjs";
import { yXmlFragmentToProsemirrorJSON } from "y-prosemirror";
import { BODY_FRAGMENT } from "@confer/shared/schema";
import { LiveKitDouble } from "@confer/livekit-double";
import { MEETING_CARD } from "../src/minutes/document/writeMinutes.ts";
import { api, startMailServer, tempDir, type TestUser } from "./helpers.ts";

/** A Confer server on a data directory that outlives it (for restarts), wired to a LiveKit double. */
export interface MinutesWorld {
  server: Awaited<ReturnType<typeof startMailServer>>;
  double: LiveKitDouble;
  dataDir: string;
  /** Stops the server (keeping its data) and starts a new one on the same data, the double's webhooks following. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a double and a server with recordings under its data directory. */
export async function startMinutesWorld(env: Record<string, string> = {}): Promise<MinutesWorld> {
  const double = await LiveKitDouble.start({ peer: false, departureMs: 100 });
  const dataDir = tempDir("confer-minutes-");
  const settings = { LIVEKIT_URL: double.url, LIVEKIT_API_KEY: double.apiKey, LIVEKIT_API_SECRET: double.apiSecret, DATA_DIR: dataDir, MINUTES_RETRY_MS: "50", ...env };
  const world: MinutesWorld = {
    server: await startMailServer(settings),
    double,
    dataDir,
    restart: async () => {
      await world.server.close();
      world.server = await startMailServer(settings);
      double.webhooks.url = `${world.server.url}/api/livekit/webhook`;
    },
    close: async () => {
      await double.close();
      await world.server.close();
    },
  };
  double.webhooks.url = `${world.server.url}/api/livekit/webhook`;
  return world;
}

/** A person who joins a document through an invite link from another company (an external guest). */
export async function inviteGuest(baseUrl: string, docId: string, host: TestUser, guest: { name: string; company: string }): Promise<TestUser> {
  const link = await api(baseUrl, "POST", `/api/docs/${docId}/invites`, { cookie: host.cookie, body: { role: "editor", expiresInHours: 24, maxUses: 1 } });
  if (link.status !== 201) throw new Error(`invite failed: ${link.status} ${link.text}`);
  const email = `${guest.name.toLowerCase().replace(/\W+/g, ".")}.${Date.now()}@example.com`;
  const accepted = await api(baseUrl, "POST", `/api/invites/${link.json.token}/accept`, { body: { ...guest, email, password: "long enough pw" } });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  const cookie = (accepted.headers.get("set-cookie") ?? "").split(";")[0]!;
  const me = await api(baseUrl, "GET", "/api/me", { cookie });
  return { id: me.json.id, name: guest.name, email, company: guest.company, cookie };
}

/** Writes "before", the meeting card, "after" into a document as the editor would. */
export function writeCard(doc: Y.Doc, meetingId: string, before: string, after: string): void {
  const para = (text: string) => {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };
  const card = new Y.XmlElement(MEETING_CARD.node);
  card.setAttribute(MEETING_CARD.attr, meetingId);
  doc.getXmlFragment(BODY_FRAGMENT).insert(0, [para(before), card, para(after)]);
}

/** A ProseMirror JSON node. */
export type Json = { type: string; attrs?: Record<string, unknown>; content?: Json[]; text?: string; marks?: { type: string; attrs?: Record<string, unknown> }[] };

/** The document body as y-prosemirror reads it (what every editor shows). */
export const bodyOf = (doc: Y.Doc) => (yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(BODY_FRAGMENT)) as Json).content ?? [];

/** All the text of a node. */
export const textOf = (n: Json): string => n.text ?? (n.content ?? []).map(textOf).join(n.type === "doc" ? "\n" : n.content?.every((c) => c.type === "text") ? "" : "\n");

/** How many sets of minutes a body holds (their title headings). */
export const minutesCount = (body: Json[]) => JSON.stringify(body).split('"text":"Minutes · ').length - 1;
