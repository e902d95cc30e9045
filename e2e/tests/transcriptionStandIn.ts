import http from "node:http";

/** What the stand-in hears in every recording: one sentence, from `start` to `end` seconds into it. */
export interface Heard {
  text: string;
  start: number;
  end: number;
}

/**
 * An OpenAI-compatible transcription endpoint (`POST …/audio/transcriptions`, `verbose_json`) for
 * the e2e tests that need minutes without real speech: it hears the same sentence in every
 * recording. Its port is fixed because the server under test is told `TRANSCRIBE_URL` when it starts.
 */
export function startTranscriptionStandIn(port: number, heard: Heard): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/audio/transcriptions")) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ text: heard.text, duration: 3, segments: [heard] }));
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}
