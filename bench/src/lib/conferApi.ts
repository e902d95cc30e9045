/** Minimal REST client for Confer, enough to set up benchmark users and documents. */
export class ConferApi {
  private constructor(
    private readonly base: string,
    /** `confer_sid=...`, to send as the Cookie header (also on WebSocket upgrades). */
    readonly cookie: string,
  ) {}

  /** Signs up a fresh user on the server at `port` and keeps its session cookie. */
  static async signup(port: number, label = "bench"): Promise<ConferApi> {
    const base = `http://127.0.0.1:${port}`;
    const unique = `${label}-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
    const res = await fetch(`${base}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Bench User", email: `${unique}@bench.example`, password: "bench-password-1", company: `Bench ${unique}` }),
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => c.startsWith("confer_sid="));
    if (!cookie) throw new Error("signup returned no session cookie");
    return new ConferApi(base, cookie);
  }

  /** A client for an existing session (e.g. after a restart on the same data directory). */
  static withCookie(port: number, cookie: string): ConferApi {
    return new ConferApi(`http://127.0.0.1:${port}`, cookie);
  }

  /** Creates a document owned by this user and returns its id. */
  async createDoc(title: string): Promise<string> {
    const res = await fetch(`${this.base}/api/docs`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: this.cookie },
      body: JSON.stringify({ title }),
    });
    if (res.status !== 201) throw new Error(`create doc failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  /** Creates `n` documents, a few requests at a time. */
  async createDocs(n: number, prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 20) {
      const batch = Array.from({ length: Math.min(20, n - i) }, (_, j) => this.createDoc(`${prefix} ${i + j}`));
      ids.push(...(await Promise.all(batch)));
    }
    return ids;
  }

  /** `GET /healthz`. */
  async health(): Promise<{ ok: boolean; loadedDocuments: number }> {
    const res = await fetch(`${this.base}/healthz`);
    return (await res.json()) as { ok: boolean; loadedDocuments: number };
  }
}
