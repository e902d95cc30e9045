// The receiving client of the trace replay, in its own process so that applying the remote
// updates does not share a CPU thread with the sending client.
import { emit, serveRequests } from "../lib/Child.ts";
import { connectStock, type StockClient } from "../lib/stockClient.ts";
import type { Target } from "../lib/wire.ts";

let client: StockClient | undefined;

serveRequests({
  /** Connects to the document, resolves when synced, then emits "converged" once the text equals `endContent`. */
  start: async (args) => {
    const target = args.target as Target;
    const end = String(args.endContent);
    const c = connectStock(target, String(args.docName));
    client = c;
    await c.whenSynced(30_000);
    let done = false;
    c.doc.on("update", () => {
      if (done || c.text.length !== end.length || c.text.toString() !== end) return;
      done = true;
      const cpu = process.cpuUsage();
      emit("converged", { wire: { ...c.wire }, cpuMs: (cpu.user + cpu.system) / 1000 });
    });
    return true;
  },
  cpu: () => {
    const cpu = process.cpuUsage();
    return { cpuMs: (cpu.user + cpu.system) / 1000 };
  },
  stop: () => {
    client?.destroy();
    setImmediate(() => process.exit(0));
    return true;
  },
});
