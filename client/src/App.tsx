import { lazy, Suspense, type ReactNode } from "react";
import { Route, Routes, useParams } from "react-router-dom";
import { RequireAuth } from "./auth/RequireAuth.tsx";
import { FullPageMessage } from "./components/FullPageMessage.tsx";
import { DocsPage } from "./pages/DocsPage.tsx";
import { InvitePage } from "./pages/InvitePage.tsx";
import { InviteOrgPage } from "./pages/InviteOrgPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { SignupPage } from "./pages/SignupPage.tsx";
import { SignupConfirmPage } from "./pages/SignupConfirmPage.tsx";
import { LoadErrorBoundary } from "./pwa/LoadErrorBoundary.tsx";
import { UpdateBanner } from "./pwa/UpdateBanner.tsx";

// Split by route: the document page brings ProseMirror and Yjs, which the sign-in page and the
// documents list never need. The service worker precaches every chunk (see vite.config.ts), so a
// lazy page still opens offline.
const DocPage = lazy(() => import("./pages/DocPage.tsx").then((m) => ({ default: m.DocPage })));

/** Remounts the document page per id, so nothing of one document leaks into the next. */
function KeyedDocPage() {
  const { id } = useParams();
  return <DocPage key={id} />;
}

/** A lazily loaded page, with words while it loads and if it cannot. */
function Lazy({ children }: { children: ReactNode }) {
  return (
    <LoadErrorBoundary>
      <Suspense fallback={<FullPageMessage title="Loading…" busy />}>{children}</Suspense>
    </LoadErrorBoundary>
  );
}

/** The app's routes. */
export function App() {
  return (
    <>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        {/* Public on purpose: people arriving through a link often have no account yet. */}
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route path="/join/:token" element={<InviteOrgPage />} />
        <Route path="/verify/:token" element={<SignupConfirmPage />} />
        <Route
          path="/"
          element={
            <RequireAuth>
              <DocsPage />
            </RequireAuth>
          }
        />
        <Route
          path="/d/:id"
          element={
            <RequireAuth>
              <Lazy>
                <KeyedDocPage />
              </Lazy>
            </RequireAuth>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
      <UpdateBanner />
    </>
  );
}
