import { Route, Routes, useParams } from "react-router-dom";
import { RequireAuth } from "./auth/RequireAuth.tsx";
import { DocPage } from "./pages/DocPage.tsx";
import { DocsPage } from "./pages/DocsPage.tsx";
import { InvitePage } from "./pages/InvitePage.tsx";
import { InviteOrgPage } from "./pages/InviteOrgPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { SignupPage } from "./pages/SignupPage.tsx";
import { SignupConfirmPage } from "./pages/SignupConfirmPage.tsx";

/** Remounts the document page per id, so nothing of one document leaks into the next. */
function KeyedDocPage() {
  const { id } = useParams();
  return <DocPage key={id} />;
}

/** The app's routes. */
export function App() {
  return (
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
            <KeyedDocPage />
          </RequireAuth>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
