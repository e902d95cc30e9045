import net from "node:net";

/**
 * A TCP proxy in front of a server (PostgreSQL here), so a test can make the server vanish and come
 * back: `cut()` drops every connection and refuses new ones, `restore()` accepts again on the same
 * port. Listens on a port of 4200-4299 (the range these tests may use).
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listen = async (port: number) => {
    const s = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on("close", () => sockets.delete(sock));
        sock.on("error", () => sock.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    server = s;
  };
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    const candidate = 4200 + Math.floor(Math.random() * 100);
    try {
      await listen(candidate);
      port = candidate;
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE" || attempt > 50) throw err;
    }
  }
  const stop = async () => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    port,
    /** Drops every connection and refuses new ones, as a database that went down. */
    cut: stop,
    /** Accepts connections again. */
    restore: () => listen(port),
    close: stop,
  };
}
