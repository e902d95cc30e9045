import { Link } from "react-router-dom";

/** The Confer wordmark, linking to the documents list. */
export function Brand() {
  return (
    <Link to="/" className="brand" aria-label="Confer, all documents">
      <img src="/favicon.svg" alt="" width={22} height={22} />
      <span>Confer</span>
    </Link>
  );
}
