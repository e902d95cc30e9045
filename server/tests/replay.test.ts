import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { loadTraces } from "./traces.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url);
});
afterAll(() => server.close());

describe("editing trace replay", () => {
  for (const trace of loadTraces()) {
    it(`${trace.name}: a second client ends with exactly endContent`, { timeout: 600_000 }, async () => {
      const docId = await createDoc(server.url, alice, trace.name);
      const writer = connect(server.url, docId, alice.cookie);
      const reader = connect(server.url, docId, alice.cookie);
      await Promise.all([synced(writer.provider), synced(reader.provider)]);
      const text = writer.text;
      if (trace.startContent) text.insert(0, trace.startContent);
      for (const { patches } of trace.txns) {
        writer.doc.transact(() => {
          for (const [pos, del, ins] of patches) {
            if (del) text.delete(pos, del);
            if (ins) text.insert(pos, ins);
          }
        });
        // Let the socket drain now and then, as a person typing would.
        if (writer.provider.ws && (writer.provider.ws as unknown as { bufferedAmount: number }).bufferedAmount > 1 << 20) {
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      expect(text.toString()).toBe(trace.endContent);
      await waitFor(() => reader.text.length === trace.endContent.length && reader.text.toString() === trace.endContent, "reader converges", 300_000);
      writer.destroy();
      reader.destroy();
    });
  }
});
