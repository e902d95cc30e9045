import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { serviceWorker } from "./vite/serviceWorker.ts";

// In development, `vite` serves the client and forwards the API and the sync socket to a running
// server (default http://localhost:3100, override with CONFER_SERVER).
const server = process.env.CONFER_SERVER ?? "http://localhost:3100";

export default defineConfig({
  plugins: [react(), serviceWorker(fileURLToPath(new URL("./src/pwa/sw.js", import.meta.url)))],
  server: {
    proxy: {
      "/api": { target: server, changeOrigin: false },
      "/collab": { target: server.replace(/^http/, "ws"), ws: true, changeOrigin: false },
    },
  },
  // Split by route (see App.tsx). The manifest lists every chunk; the service worker plugin turns it
  // into the precache list, so lazy chunks are stored at install like the entry.
  build: { sourcemap: true, manifest: true },
});
