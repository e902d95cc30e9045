import { fileURLToPath } from "node:url";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startServer } from "./app.ts";

const config = { ...loadConfig(), clientDist: fileURLToPath(new URL("../../client/dist", import.meta.url)) };
const log = createLogger(config.logLevel);
const server = await startServer(config, log).catch((err: unknown) => {
  log.fatal({ err }, "could not start");
  process.exit(1);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
