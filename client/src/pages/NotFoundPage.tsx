import { Link } from "react-router-dom";
import { FullPageMessage } from "../components/FullPageMessage.tsx";

/** Any address the app does not know. */
export function NotFoundPage() {
  return (
    <FullPageMessage title="Page not found" body="There is nothing at this address.">
      <Link to="/" className="button primary">
        Go to your documents
      </Link>
    </FullPageMessage>
  );
}
