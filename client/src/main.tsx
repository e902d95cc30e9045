import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import "prosemirror-view/style/prosemirror.css";
import "prosemirror-gapcursor/style/gapcursor.css";
import "./styles/app.css";
import { App } from "./App.tsx";
import { AuthProvider } from "./auth/AuthContext.tsx";
import { applyPendingDeletions } from "./collab/localCopies.ts";
import { registerServiceWorker } from "./pwa/updates.ts";

// Before anything opens a document copy: deletions a previous page could not finish (another tab
// held the copy open) run first, and IndexedDB makes later opens of the same copy wait for them.
applyPendingDeletions();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);

registerServiceWorker();
