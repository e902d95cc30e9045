import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";

/**
 * An HTTP front for a running Confer server that admits sync sockets the way the server does when
 * it decides admission in the upgrade: it asks the REST API (`GET /api/docs/:id`, same cookie) and
 * answers a refusal with that HTTP status before upgrading, so the browser only sees a close 1006.
 * Admitted sockets and every plain request are passed through unchanged (Host and Origin included).
 */
export class UpgradeGate {
  /** How many upgrades were refused, by HTTP status. */
  readonly refused = new Map<number, number>();
  private readonly tunnels = new Set<Duplex>();
  private constructor(
    private readonly server: http.Server,
    private readonly target: URL,
    readonly url: string,
  ) {}

  /** Starts a gate on a free port in front of `target` (e.g. http://localhost:1234). */
  static async start(target: string): Promise<UpgradeGate> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const gate = new UpgradeGate(server, new URL(target), `http://localhost:${port}`);
    server.on("request", (req, res) => gate.forward(req, res));
    server.on("upgrade", (req, socket, head) => void gate.upgrade(req, socket, head));
    return gate;
  }

  /** Cuts every admitted socket, as a network blip or a server restart would. */
  dropSockets(): void {
    for (const s of this.tunnels) s.destroy();
    this.tunnels.clear();
  }

  async close(): Promise<void> {
    this.dropSockets();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const upstream = http.request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    const docId = /^\/collab\/([^/?]+)/.exec(req.url ?? "")?.[1] ?? "";
    const check = await fetch(new URL(`/api/docs/${docId}`, this.target), { headers: { cookie: req.headers.cookie ?? "" } });
    if (check.status !== 200) {
      this.refused.set(check.status, (this.refused.get(check.status) ?? 0) + 1);
      socket.end(`HTTP/1.1 ${check.status} ${http.STATUS_CODES[check.status] ?? ""}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = net.connect(Number(this.target.port), this.target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
    this.tunnels.add(socket);
    socket.on("close", () => this.tunnels.delete(socket));
  }
}
