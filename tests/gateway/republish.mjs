// SPDX-License-Identifier: BSD-2-Clause
// A room changes hands, in headless Chromium against a running linerated:
//   node republish.mjs --gateway http://127.0.0.1:PORT
// A publishes, B watches; A leaves (DELETE): the gateway says RTCP BYE
// for B's tracks and B stays connected; A2 publishes in the same room and
// B decodes it on the same tracks, without renegotiating: the gateway
// carries B's sequence numbers on from A's (a jump back would make B's
// SRTP refuse A2's packets, a jump forward would count as loss), so B's
// packetsLost stays near zero and its framesDecoded rises again. And a
// publisher's receiver reports come from the gateway (RFC 3550 LSR/DLSR:
// A measures a round trip). Exit 0 all pass, 1 not, 77 no Chromium.
import {
  check, chromiumOrSkip, launch, metric as gwMetric, openRole, parseArgs,
  sleep, summary, until as untilFn, watchdog,
} from './harness.mjs';

const opt = parseArgs({ gateway: '' }, 'republish.mjs --gateway URL');
const { gateway } = opt;
const chromium = chromiumOrSkip();
const until = (page, fn, pred, ms) =>
  untilFn(() => page.evaluate(fn), pred, ms);
const metric = (name) => gwMetric(gateway, name);

async function video() {
  const r = { frames: 0, lost: 0, packets: 0, rtt: null };
  for (const s of await window.linerate.stats()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      r.frames = s.framesDecoded || 0;
      r.lost = s.packetsLost || 0;
      r.packets = s.packetsReceived || 0;
    }
    if (s.type === 'remote-inbound-rtp' && s.kind === 'video' &&
        s.roundTripTime !== undefined) r.rtt = s.roundTripTime;
  }
  r.state = window.linerate.state().connectionState;
  return r;
}

async function run(browser) {
  const room = `republish-${process.pid}`;
  const page = (role) => openRole(browser, gateway, role, room);
  const A = await page('publish');
  const B = await page('watch');
  let b = await until(B, video, (v) => v.frames > 30, 20000);
  check(b.ok, 'B decodes A', `framesDecoded ${b.v.frames}`);
  const a = await until(A, video, (v) => v.rtt !== null, 10000);
  check(a.ok, 'A measures a round trip from the gateway\'s receiver ' +
    'reports', `roundTripTime ${a.v.rtt}`);
  const plis = await metric('linerated_keyframe_requests_total');
  await A.evaluate(() => window.linerate.leave());
  await A.close();
  await sleep(1500);
  const gone = await B.evaluate(video);
  check(gone.state === 'connected', 'B stays connected when A leaves',
    gone.state);
  const A2 = await page('publish');
  const b2 = await until(B, video, (v) => v.frames > gone.frames + 30, 20000);
  if (!b2.ok) {
    for (const m of ['linerated_rtcp_relayed_total',
      'linerated_keyframe_requests_total', 'linerated_rtcp_terminated_total'])
      console.log(`# ${m} ${await metric(m)}`);
  }
  check(b2.ok, 'B decodes A2 on the same tracks, no renegotiation',
    `framesDecoded ${gone.frames} -> ${b2.v.frames}, packetsReceived ` +
    `${gone.packets} -> ${b2.v.packets}`);
  check(b2.v.lost >= 0 && b2.v.lost < 50, 'B\'s numbering went on from A ' +
    'to A2 (no jump counted as loss)', `packetsLost ${b2.v.lost}, ` +
    `packetsReceived ${b2.v.packets}`);
  check(await metric('linerated_keyframe_requests_total') > plis,
    'A2 was asked for a keyframe for B');
  await A2.evaluate(() => window.linerate.leave());
  await B.evaluate(() => window.linerate.leave());
}

const browser = await launch(chromium);
const done = watchdog(60000);
try {
  await run(browser);
} catch (e) {
  check(false, 'the run', e.message.split('\n')[0]);
}
done();
await browser.close();
process.exit(summary());
