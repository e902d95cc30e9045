/** Why a request to the server failed. */
export type ApiFailure = "network" | "http" | "invalid-response";

/** A failed API request, carrying a message that can be shown to the person as is. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    /** What kind of failure this is; "network" means the server could not be reached. */
    readonly reason: ApiFailure,
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
    /** The server's stable error id (e.g. "bad_credentials"), when it sent one. */
    readonly id: string | undefined = undefined,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }

  /** The server could not be reached (offline, DNS, server down). */
  static network(): ApiRequestError {
    return new ApiRequestError("Can't reach the server. Check your connection and try again.", "network", 0);
  }

  /** The server answered with an error status and (usually) a JSON `{error:{id,message}}` body. */
  static http(status: number, message: string | undefined, id?: string): ApiRequestError {
    return new ApiRequestError(message ?? `The server answered with an error (${status}).`, "http", status, id);
  }

  /** The server answered 2xx but with a body we do not understand. */
  static invalidResponse(): ApiRequestError {
    return new ApiRequestError("The server sent an unexpected answer. Reload the page and try again.", "invalid-response", 0);
  }

  /** Whether this failure means the server could not be reached at all. */
  get isNetwork(): boolean {
    return this.reason === "network";
  }
}

/** The person-readable message of any error thrown by API calls or elsewhere. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  return "Something went wrong. Reload the page and try again.";
}
