#!/usr/bin/python3
"""aiortc (Python; Debian's python3-aiortc 1.4) as the peer of
tests/interop/pc_peer.c.

aiortc 1.4 offers its data channel in the older syntax ("m=application
<port> DTLS/SCTP 5000" with "a=sctpmap:5000 webrtc-datachannel 65535"),
and answers in the syntax it was offered: a stack no one here wrote that
speaks the legacy form natively.

Signalling: one JSON object per line on stdin/stdout, written with
Python's json.dumps as it is (", " and ": ", as most JSON writers other
than Node's). The peer sends its own audio (aiortc's silence, Opus),
echoes every data-channel message back, and reports what it saw when
asked. Loopback only, no STUN server.

usage: aiortc-peer.py <we-offer|they-offer> [--sctp-port N]
  --sctp-port N: our SCTP port is N instead of aiortc's 5000 (aiortc's
  RTCPeerConnection has no option for it; RTCSctpTransport, the ORTC
  object under it, takes the port when made, so it is set there).
"""
import asyncio
import json
import sys

import aioice.ice

# aioice leaves 127.0.0.1 out of the host addresses it gathers; these
# tests use no other address.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

from aiortc import (  # noqa: E402 (after the patch above)
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import AudioStreamTrack  # noqa: E402
from aiortc.sdp import candidate_from_sdp  # noqa: E402


def send(m):
    sys.stdout.write(json.dumps(m) + "\n")
    sys.stdout.flush()


def log(m):
    send({"t": "log", "m": str(m)})


async def drain(track):
    # frames must be taken for the receiver to go on decoding
    try:
        while True:
            await track.recv()
    except Exception:
        pass


async def report(pc, echoed):
    r = {"t": "stats", "packetsReceived": -1, "dcEchoed": echoed}
    for s in (await pc.getStats()).values():
        if s.type == "inbound-rtp" and s.kind == "audio":
            r["packetsReceived"] = s.packetsReceived
    sctp = pc.sctp
    if sctp is not None:
        dtls = sctp.transport
        r["dtlsState"] = dtls.state
        r["dtlsRole"] = dtls._role
        r["sctpState"] = sctp.state
        r["sctpLocalPort"] = sctp.port
        r["sctpRemotePort"] = sctp._remote_port
    r["sdpSyntax"] = "legacy" if pc._sctpLegacySdp else "rfc8841"
    send(r)


async def main():
    mode = sys.argv[1]
    port = None
    if len(sys.argv) == 4 and sys.argv[2] == "--sctp-port":
        port = int(sys.argv[3])
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    echoed = 0

    def echo(ch):
        @ch.on("message")
        def on_message(msg):
            nonlocal echoed
            echoed += 1
            ch.send(msg)

    @pc.on("datachannel")
    def on_datachannel(ch):
        echo(ch)

    @pc.on("track")
    def on_track(track):
        asyncio.ensure_future(drain(track))

    @pc.on("connectionstatechange")
    def on_state():
        log("connection " + pc.connectionState)

    if mode == "they-offer":
        pc.addTrack(AudioStreamTrack())
        echo(pc.createDataChannel("echo"))
        if port is not None:
            pc.sctp._local_port = port
        await pc.setLocalDescription(await pc.createOffer())
        send({"t": "offer", "sdp": pc.localDescription.sdp})

    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    while True:
        line = await reader.readline()
        if not line:
            break
        m = json.loads(line)
        try:
            if m["t"] == "offer":
                await pc.setRemoteDescription(
                    RTCSessionDescription(sdp=m["sdp"], type="offer")
                )
                pc.addTrack(AudioStreamTrack())
                if port is not None and pc.sctp is not None:
                    pc.sctp._local_port = port
                await pc.setLocalDescription(await pc.createAnswer())
                send({"t": "answer", "sdp": pc.localDescription.sdp})
            elif m["t"] == "answer":
                await pc.setRemoteDescription(
                    RTCSessionDescription(sdp=m["sdp"], type="answer")
                )
            elif m["t"] == "cand":
                if m["c"]:
                    c = candidate_from_sdp(m["c"].split(":", 1)[1])
                    c.sdpMid = m["mid"]
                    await pc.addIceCandidate(c)
            elif m["t"] == "report":
                await report(pc, echoed)
            elif m["t"] == "bye":
                break
        except Exception as e:
            log("error: %r" % (e,))
    await pc.close()


asyncio.run(main())
