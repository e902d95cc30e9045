/**
 * The part of `@confer/server` the benchmarks drive. The server is imported at run time through
 * this narrow contract rather than by its types, so the bench typechecks on its own while the
 * server's internals change (the server workspace typechecks itself); a broken contract shows
 * up as a failure when the bench starts a server.
 */
export interface ConferServerModule {
  loadConfig(env: Record<string, string>): ConferConfig;
  createLogger(level: string): unknown;
  startServer(config: ConferConfig, log: unknown): Promise<RunningConfer>;
}

/** Resolved settings; the bench only overrides `clientDist`. */
export interface ConferConfig {
  clientDist: string | undefined;
}

/** What the bench uses of a running Confer server. */
export interface RunningConfer {
  port: number;
  close(): Promise<void>;
  services: {
    storage: {
      load(docId: string): Promise<{ snapshot: Uint8Array | null; updates: Uint8Array[]; lastId: number }>;
      append(docId: string, updates: Uint8Array[]): Promise<number>;
      /** Stores at once when the storage can (SQLite's edit journal); absent on older servers. */
      appendNow?(docId: string, updates: Uint8Array[]): number | undefined;
      compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<void>;
      /** Cumulative counters of the storage (the bench zeroes the maxima per window); absent on older servers. */
      readonly stats?: {
        commits: number;
        commitMs: number;
        commitMaxMs: number;
        flushes: number;
        flushMaxMs: number;
        checkpoints: number;
        busyRetries: number;
      };
    };
    collab: { readonly loadedDocuments: number };
  };
}

/** Imports the server package. */
export async function importConferServer(): Promise<ConferServerModule> {
  const specifier = "@confer/server";
  return (await import(specifier)) as ConferServerModule;
}
