// What the benchmark drives of the minutes pipeline (`@confer/server/minutes`).
export { PocketsphinxEngine, pocketsphinxAvailable } from "./engines/PocketsphinxEngine.ts";
export { OpenAiEngine } from "./engines/OpenAiEngine.ts";
export { documentTerms } from "./engines/bias.ts";
export { buildMinutes } from "./extract/minutes.ts";
export { mergeTranscripts } from "./extract/transcript.ts";
