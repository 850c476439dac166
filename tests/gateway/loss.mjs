// SPDX-License-Identifier: BSD-2-Clause
// Video recovers from loss on a viewer's leg, in headless Chromium
// against linerated:
//   node loss.mjs --gateway http://127.0.0.1:PORT --media 127.0.0.1:20000
//                 --proxy 127.0.0.3
// linerated runs with --ports 20000-20000 --public-ip 127.0.0.3, so its
// candidates name 127.0.0.3:20000, where this script runs a UDP relay to
// the real port (one socket toward the gateway per client). A publishes,
// B watches; for a while the relay drops 10 % of the video packets the
// gateway sends clients. B asks for what it misses (NACK, then PLI); the
// data plane relays that feedback to A (it never re-protects an index it
// has used, so a lost packet comes back as a keyframe, not as itself); A
// answers with keyframes and B's video goes on. Checked from both
// browsers' getStats and the gateway's /metrics. Exit 0 all pass, 1 not,
// 77 no Chromium.
import dgram from 'node:dgram';
import {
  check, chromiumOrSkip, launch, metric as gwMetric, openRole, parseArgs,
  sleep, summary, until as untilFn, watchdog,
} from './harness.mjs';

const opt = parseArgs({ gateway: '', media: '', proxy: '' },
  'loss.mjs --gateway URL --media IP:PORT --proxy IP');
const { gateway } = opt;
const [mediaIp, mediaPort] = opt.media.split(':');
const proxyIp = opt.proxy;
const chromium = chromiumOrSkip();
const until = (page, fn, pred, ms) =>
  untilFn(() => page.evaluate(fn), pred, ms, 200);
const metric = (name) => gwMetric(gateway, name);

// ---- the relay ----------------------------------------------------------

const relay = { dropping: false, dropped: 0, video: 0 };
const front = dgram.createSocket('udp4');
const backs = new Map(); // client "ip:port" -> socket toward the gateway

function isVideo(msg) { // RTP (RFC 7983: 128..191), not RTCP, PT 96..127
  if (msg.length < 12 || msg[0] < 128 || msg[0] > 191) return false;
  const pt = msg[1] & 0x7f;
  return !(msg[1] >= 192 && msg[1] <= 223) && pt >= 96 && pt !== 111 &&
    pt !== 110 && pt !== 126; // not Opus or telephone-event
}

front.on('message', (msg, from) => {
  const key = `${from.address}:${from.port}`;
  let back = backs.get(key);
  if (!back) {
    back = dgram.createSocket('udp4');
    back.bind(0, proxyIp);
    back.on('message', (m) => {
      if (isVideo(m)) {
        relay.video++;
        if (relay.dropping && Math.random() < 0.1) {
          relay.dropped++;
          return;
        }
      }
      front.send(m, from.port, from.address);
    });
    backs.set(key, back);
  }
  back.send(msg, Number(mediaPort), mediaIp);
});

// ---- the browsers -------------------------------------------------------

async function video() {
  const r = { frames: 0, nack: 0, pli: 0, lost: 0, outNack: 0, outPli: 0,
    keyframes: 0 };
  for (const s of await window.linerate.stats()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      r.frames = s.framesDecoded || 0;
      r.nack = s.nackCount || 0;
      r.pli = s.pliCount || 0;
      r.lost = s.packetsLost || 0;
    }
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      r.outNack = s.nackCount || 0;
      r.outPli = s.pliCount || 0;
      r.keyframes = s.keyFramesEncoded || 0;
    }
  }
  return r;
}

async function run(browser) {
  const room = `loss-${process.pid}`;
  const page = (role) => openRole(browser, gateway, role, room);
  const A = await page('publish');
  const B = await page('watch');
  const b0 = await until(B, video, (v) => v.frames > 30, 20000);
  check(b0.ok, 'B decodes A through the relay', `framesDecoded ${b0.v.frames}`);
  const a0 = await A.evaluate(video);
  const relayed0 = await metric('linerated_rtcp_relayed_total');
  relay.dropping = true;
  await sleep(6000);
  relay.dropping = false;
  const b1 = await B.evaluate(video);
  check(relay.dropped > 0, 'the relay dropped video on B\'s leg',
    `${relay.dropped} of ${relay.video}`);
  check(b1.lost > b0.v.lost && b1.nack + b1.pli > b0.v.nack + b0.v.pli,
    'B saw the loss and asked for it (NACK, PLI)',
    `packetsLost ${b1.lost}, nackCount ${b1.nack}, pliCount ${b1.pli}`);
  const a1 = await A.evaluate(video);
  check(await metric('linerated_rtcp_relayed_total') > relayed0 &&
    a1.outNack + a1.outPli > a0.outNack + a0.outPli,
  'the data plane relayed B\'s feedback to A',
  `A's nackCount ${a0.outNack} -> ${a1.outNack}, pliCount ${a0.outPli} -> ` +
    `${a1.outPli}`);
  const b2 = await until(B, video, (v) => v.frames > b1.frames + 30, 15000);
  check(b2.ok, 'B\'s video goes on after the loss',
    `framesDecoded ${b1.frames} -> ${b2.v.frames}`);
  await A.evaluate(() => window.linerate.leave());
  await B.evaluate(() => window.linerate.leave());
}

await new Promise((ok) => front.bind(Number(mediaPort), proxyIp, ok));
const browser = await launch(chromium);
const done = watchdog(90000);
try {
  await run(browser);
} catch (e) {
  check(false, 'the run', e.message.split('\n')[0]);
}
done();
await browser.close();
front.close();
for (const s of backs.values()) s.close();
process.exit(summary());
