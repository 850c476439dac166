// werift (pure TypeScript WebRTC) as the peer of tests/interop/pc_peer.c.
// Signalling: one JSON object per line on stdin/stdout. The peer echoes
// every data-channel message and every RTP packet it decrypts back to us,
// and reports what it saw when asked. Loopback only.
import readline from 'node:readline';
import { RTCPeerConnection } from 'werift';

const mode = process.argv[2]; // "we-offer": the C side offers
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const log = (m) => send({ t: 'log', m: String(m) });

const loopback = (addr) => typeof addr === 'string' && addr.startsWith('127.');
const pc = new RTCPeerConnection({
  iceUseIpv6: false,
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceFilterCandidatePair: (p) =>
    loopback(p.localCandidate.host) && loopback(p.remoteCandidate.host),
});

let rtpIn = 0;
let dcEchoed = 0;
const echoChannel = (dc) => {
  dc.onMessage.subscribe((msg) => {
    dcEchoed++;
    dc.send(msg);
  });
};

pc.onIceCandidate.subscribe((c) => {
  if (c && loopback(c.candidate.split(' ')[4]))
    send({ t: 'cand', c: c.candidate, mid: c.sdpMid ?? '0' });
});
pc.onDataChannel.subscribe((dc) => echoChannel(dc));
pc.connectionStateChange.subscribe((s) => log('connection ' + s));

const setupAudio = (tr) => {
  tr.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      rtpIn++;
      tr.sender.sendRtp(rtp);
    });
  });
};

if (mode === 'they-offer') {
  const tr = pc.addTransceiver('audio', { direction: 'sendrecv' });
  setupAudio(tr);
  echoChannel(pc.createDataChannel('echo'));
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  send({ t: 'offer', sdp: pc.localDescription.sdp });
} else {
  pc.onTransceiverAdded.subscribe((tr) => setupAudio(tr));
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const m = JSON.parse(line);
  try {
    if (m.t === 'offer') {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      for (const tr of pc.getTransceivers()) tr.setDirection?.('sendrecv');
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      send({ t: 'answer', sdp: pc.localDescription.sdp });
    } else if (m.t === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
    } else if (m.t === 'cand') {
      if (m.c) await pc.addIceCandidate({ candidate: m.c, sdpMid: m.mid });
    } else if (m.t === 'report') {
      const dtls = pc.dtlsTransports?.[0];
      send({
        t: 'stats',
        packetsReceived: rtpIn,
        dcEchoed,
        dtlsState: dtls?.state ?? '',
        srtpProfile: dtls?.srtp?.profile ?? 0,
      });
    } else if (m.t === 'bye') {
      await pc.close();
      process.exit(0);
    }
  } catch (e) {
    log('error: ' + (e?.stack ?? e));
  }
});
