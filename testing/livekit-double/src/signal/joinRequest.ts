import { gunzipSync } from "node:zlib";
import { JoinRequest, WrappedJoinRequest, WrappedJoinRequest_Compression } from "@livekit/protocol";

/**
 * The join request of a `/rtc` upgrade. v1 clients (`/rtc/v1`, livekit-client ≥ 2.16 by default)
 * send `join_request=base64url(WrappedJoinRequest{gzip?(JoinRequest)})`; v0 clients send query
 * parameters (`reconnect=1`, `attributes=` …), read here into the same shape.
 */
export function readJoinRequest(params: URLSearchParams): JoinRequest {
  const wrapped = params.get("join_request");
  if (!wrapped) {
    const attributes = params.get("attributes");
    return new JoinRequest({
      reconnect: params.get("reconnect") === "1" || params.get("reconnect") === "true",
      participantAttributes: attributes ? (JSON.parse(Buffer.from(attributes, "base64").toString("utf8")) as Record<string, string>) : {},
    });
  }
  const w = WrappedJoinRequest.fromBinary(Buffer.from(wrapped, "base64url"));
  const bytes = w.compression === WrappedJoinRequest_Compression.GZIP ? gunzipSync(w.joinRequest, { maxOutputLength: 1 << 20 }) : w.joinRequest;
  return JoinRequest.fromBinary(bytes);
}
