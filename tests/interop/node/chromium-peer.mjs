// Headless Chromium (Debian's, through playwright-core) as the peer of
// tests/interop/pc_peer.c. The page runs a real RTCPeerConnection with
// the fake microphone; signalling is one JSON object per line on
// stdin/stdout. The page echoes data-channel messages and reports its
// getStats() when asked. Flags: ../../../../shared INTEROP-NOTES.
import http from 'node:http';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const mode = process.argv[2]; // "we-offer": the C side offers
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');

const page_js = `
const toC = (m) => window.toC(m);
const pc = new RTCPeerConnection();
let stream;
const echo = (dc) => { dc.onmessage = (e) => dc.send(e.data); };
pc.onicecandidate = (e) => toC({ t: 'cand',
  c: e.candidate ? e.candidate.candidate : '',
  mid: e.candidate ? (e.candidate.sdpMid ?? '0') : '0' });
pc.ondatachannel = (e) => echo(e.channel);
pc.onconnectionstatechange = () => toC({ t: 'log', m: 'connection ' + pc.connectionState });
window.start = async (mode) => {
  stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  if (mode === 'they-offer') {
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendrecv', streams: [stream] });
    echo(pc.createDataChannel('echo'));
    await pc.setLocalDescription(await pc.createOffer());
    toC({ t: 'offer', sdp: pc.localDescription.sdp });
  }
};
window.fromC = async (m) => {
  try {
    if (m.t === 'offer') {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      const tr = pc.getTransceivers()[0];
      tr.direction = 'sendrecv';
      await tr.sender.replaceTrack(stream.getAudioTracks()[0]);
      tr.sender.setStreams(stream);
      await pc.setLocalDescription(await pc.createAnswer());
      toC({ t: 'answer', sdp: pc.localDescription.sdp });
    } else if (m.t === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
    } else if (m.t === 'cand') {
      await pc.addIceCandidate(m.c ? { candidate: m.c, sdpMid: m.mid } : null);
    } else if (m.t === 'dtmf') {
      const tr = pc.getTransceivers().find((t) => t.sender.dtmf);
      if (tr && tr.sender.dtmf.canInsertDTMF) {
        tr.sender.dtmf.insertDTMF(m.tones, 100, 70);
        toC({ t: 'log', m: 'insertDTMF ' + m.tones });
      } else {
        toC({ t: 'log', m: 'cannot insert DTMF' });
      }
    } else if (m.t === 'report') {
      const r = { t: 'stats', packetsReceived: -1 };
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          r.packetsReceived = s.packetsReceived;
          r.bytesReceived = s.bytesReceived;
          r.packetsLost = s.packetsLost;
        }
        if (s.type === 'remote-outbound-rtp' && s.kind === 'audio') {
          // from RTCP sender reports for the stream this page receives
          r.srReports = s.reportsSent;
          r.srPackets = s.packetsSent;
        }
        if (s.type === 'transport') {
          r.dtlsState = s.dtlsState; r.tlsVersion = s.tlsVersion;
          r.srtpCipher = s.srtpCipher; r.dtlsRole = s.dtlsRole;
          r.dtlsCipher = s.dtlsCipher;
        }
      });
      toC(r);
    } else if (m.t === 'bye') {
      pc.close();
    }
  } catch (e) {
    toC({ t: 'log', m: 'error: ' + e });
  }
};
`;

// A page on 127.0.0.1 is a secure context, as getUserMedia needs.
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>linerate interop</title>');
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--no-sandbox',
    '--allow-loopback-in-peer-connection',
  ],
});
const page = await browser.newPage();
await page.exposeFunction('toC', (m) => send(m));
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.evaluate(page_js);
await page.evaluate((m) => window.start(m), mode);

let closing = false;
const finish = async () => {
  if (closing) return;
  closing = true;
  await browser.close().catch(() => {});
  server.close();
  process.exit(0);
};
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const m = JSON.parse(line);
  if (closing) return;
  if (m.t === 'bye') return finish();
  await page.evaluate((x) => window.fromC(x), m).catch((e) => {
    if (!closing) send({ t: 'log', m: 'evaluate: ' + e });
  });
});
rl.on('close', finish);
