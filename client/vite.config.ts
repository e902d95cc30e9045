import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// In development, `vite` serves the client and forwards the API and the sync socket to a running
// server (default http://localhost:3100, override with CONFER_SERVER).
const server = process.env.CONFER_SERVER ?? "http://localhost:3100";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: server, changeOrigin: false },
      "/collab": { target: server.replace(/^http/, "ws"), ws: true, changeOrigin: false },
    },
  },
  // One bundle on purpose: the service worker precaches what index.html names, so a first visit
  // straight to a document can still be reloaded offline. Lazy chunks would not be precached.
  build: { sourcemap: true, chunkSizeWarningLimit: 900 },
});
