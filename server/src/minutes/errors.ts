import { MinutesErrors } from "@confer/shared";
import { HttpError } from "../errors.ts";

/** "Try again" on minutes that have not failed. */
export const minutesNotFailed = (message = "The minutes of this meeting have not failed, so there is nothing to try again.") =>
  new HttpError(409, MinutesErrors.notFailed, message);

/** A recording that does not exist (or is not finished). */
export const noSuchRecording = () => new HttpError(404, "not_found", "This meeting has no such recording.");


/** The recordings bucket could not be reached (or refused Confer's credentials). */
export const recordingsUnreachable = () => new HttpError(503, "recordings_unreachable", "The recordings storage cannot be reached right now. Try again in a moment.");
