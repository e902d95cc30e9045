// The browser side of the Chromium test: livekit-client as a meeting panel would use it, recording
// the room events the panel would show.
import { DisconnectReason, Room, RoomEvent, Track } from "livekit-client";

interface PageEvent {
  name: string;
  arg?: string;
}

declare global {
  interface Window {
    events: PageEvent[];
    room: Room;
    joinRoom(url: string, token: string): Promise<{ ok: boolean; ms: number; identity?: string; remotes?: string[]; message?: string }>;
    /** Turns the (fake) microphone on; resolves with the published track's sid. */
    publishMicrophone(): Promise<string>;
    /** RTP packets the microphone's sender has sent so far (from the peer connection's stats). */
    microphonePacketsSent(): Promise<number>;
  }
}

window.events = [];
window.joinRoom = async (url, token) => {
  const room = new Room();
  window.room = room;
  room.on(RoomEvent.ParticipantConnected, (p) => window.events.push({ name: "participantConnected", arg: p.identity }));
  room.on(RoomEvent.ParticipantDisconnected, (p) => window.events.push({ name: "participantDisconnected", arg: p.identity }));
  room.on(RoomEvent.Disconnected, (reason) => window.events.push({ name: "disconnected", arg: reason === undefined ? "" : DisconnectReason[reason] }));
  const t0 = performance.now();
  try {
    await room.connect(url, token);
    return { ok: true, ms: Math.round(performance.now() - t0), identity: room.localParticipant.identity, remotes: [...room.remoteParticipants.keys()] };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), message: (err as Error).message };
  }
};

window.publishMicrophone = async () => {
  const pub = await window.room.localParticipant.setMicrophoneEnabled(true);
  return pub?.trackSid ?? "";
};

window.microphonePacketsSent = async () => {
  const sender = window.room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track?.sender;
  if (!sender) return 0;
  let sent = 0;
  (await sender.getStats()).forEach((s: { type: string; packetsSent?: number }) => {
    if (s.type === "outbound-rtp") sent += s.packetsSent ?? 0;
  });
  return sent;
};
