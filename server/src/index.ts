export { startServer, type ConferServer } from "./app.ts";
export { loadConfig, settings, type Config, type Setting } from "./config.ts";
export { createLogger } from "./logger.ts";
