export { LiveKitDouble, type DoubleOptions } from "./LiveKitDouble.ts";
export { ApiKeys, TokenError, hasGrant, type Claims, type VideoGrant, type GrantNeed } from "./auth.ts";
export { RoomRegistry, type RoomHooks } from "./RoomRegistry.ts";
export { RoomService, ROOM_SERVICE_PREFIX, type RoomServiceCall } from "./RoomService.ts";
export { SignalServer, type SignalOptions } from "./signal/SignalServer.ts";
export { WebhookSender, signWebhook, webhookEvent, WEBHOOK_CONTENT_TYPE, type Delivery, type SignOptions } from "./webhooks.ts";
export { TwirpError, TWIRP_STATUS, type TwirpCode } from "./twirp.ts";
export { EgressService, EGRESS_PREFIX, type TrackAudio } from "./EgressService.ts";
