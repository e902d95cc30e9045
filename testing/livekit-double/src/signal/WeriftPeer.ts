import type { MediaStreamTrack, RTCPeerConnection } from "werift";

/** A track the client sends: its SDP track id (livekit-client's `cid`) and werift's track, whose RTP can be read. */
export type OnRemoteTrack = (cid: string, track: MediaStreamTrack) => void;

/**
 * The double's side of a participant's PeerConnection: werift (WebRTC in TypeScript) as an ICE-lite
 * answerer on 127.0.0.1, like an SFU. livekit-client's `Room.connect()` resolves only once this
 * connection is up, so a signalling-only double cannot make it succeed.
 */
export class WeriftPeer {
  private pc: RTCPeerConnection | undefined;
  private readonly seen = new Set<string>();

  /** `onTrack` hears each track the client starts sending (once per track, though werift repeats it per offer). */
  constructor(private readonly onTrack?: OnRemoteTrack) {}

  /** Answers an offer (first one or renegotiation) with an SDP Chromium accepts. */
  async answer(offerSdp: string): Promise<string> {
    const pc = await this.connection();
    // Chromium's mDNS (.local) candidates would start 10 s multicast lookups on 0.0.0.0:5353.
    const remote = offerSdp
      .split("\r\n")
      .filter((l) => !(l.startsWith("a=candidate:") && l.includes(".local")))
      .join("\r\n");
    // werift re-mids a transceiver whose direction is inactive (the client's recvonly placeholders)
    // for the next remote one, and createAnswer then fails ("Transceiver with mid=0 not found").
    for (const t of pc.getTransceivers()) t.usedForSender = true;
    await pc.setRemoteDescription({ type: "offer", sdp: remote });
    await pc.setLocalDescription(await pc.createAnswer());
    while (pc.iceGatheringState !== "complete") await new Promise((r) => setTimeout(r, 5));
    return (pc.localDescription?.sdp ?? "")
      .split("\r\n")
      .filter((l) => !l.startsWith("a=candidate:") || l.split(" ")[4] === "127.0.0.1")
      // werift rejects (port 0) the client's recvonly sections; Chromium then refuses an answer whose
      // BUNDLE-tagged section is rejected. Keep them bundled (and inactive) instead.
      .map((l) => l.replace(/^m=(audio|video) 0 /, "m=$1 9 "))
      .join("\r\n");
  }

  /** Adds a trickled client candidate (optional with ICE-lite; mDNS ones are skipped). */
  async addCandidate(candidateInit: string): Promise<void> {
    const cand = JSON.parse(candidateInit) as { candidate?: string; sdpMid?: string; sdpMLineIndex?: number };
    if (!this.pc || !cand.candidate || cand.candidate.includes(".local")) return;
    await this.pc.addIceCandidate(cand).catch(() => undefined);
  }

  /** The connection state ("new" before the first offer). */
  get state(): string {
    return this.pc?.connectionState ?? "new";
  }

  close(): void {
    void this.pc?.close();
    this.pc = undefined;
  }

  private async connection(): Promise<RTCPeerConnection> {
    if (!this.pc) {
      const werift = await import("werift");
      this.pc = new werift.RTCPeerConnection({
        // The RID extensions let a camera publish simulcast (livekit-client's default for video):
        // without them in the answer, Chromium refuses its next offer ("negotiates simulcast but
        // does not negotiate the RID RTP header extension") and the publish fails.
        headerExtensions: {
          audio: [werift.useSdesMid()],
          video: [werift.useSdesMid(), werift.useSdesRTPStreamId(), werift.useRepairedRtpStreamId()],
        },
        iceLite: true,
        iceUseIpv6: false,
        iceInterfaceAddresses: { udp4: "127.0.0.1" },
        iceAdditionalHostAddresses: ["127.0.0.1"],
      });
      this.pc.ontrack = (ev) => {
        const cid = ev.receiver.remoteTrackId ?? ev.track.id;
        if (!cid || this.seen.has(cid)) return;
        this.seen.add(cid);
        this.onTrack?.(cid, ev.track);
      };
    }
    return this.pc;
  }
}
