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
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const gwIdx = process.argv.indexOf('--gateway');
const gateway = gwIdx > 0 ? process.argv[gwIdx + 1].replace(/\/+$/, '') : '';
if (!gateway) {
  console.error('usage: node republish.mjs --gateway URL');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log(`skip: ${CHROMIUM} is not installed`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = createRequire(path.join(root, 'tests', 'interop', 'node',
    'package.json'))('playwright-core'));
} catch (e) {
  console.log(`skip: playwright-core not found: ${e.message.split('\n')[0]}`);
  process.exit(77);
}

let n = 0;
let failed = 0;
function check(ok, what, detail = '') {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}` +
    (detail ? ` (${detail})` : ''));
  return ok;
}
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function until(page, fn, pred, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate(fn);
    if (pred(v) || Date.now() > end) return { v, ok: pred(v) };
    await sleep(100);
  }
}

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

async function metric(name) {
  const t = await (await fetch(`${gateway}/metrics`)).text();
  const m = t.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : -1;
}

async function run(browser) {
  const room = `republish-${process.pid}`;
  const page = async (role) => {
    const p = await browser.newPage();
    await p.goto(`${gateway}/?role=${role}&room=${room}&autostart=1`);
    await p.waitForFunction(() => window.linerate !== undefined);
    return p;
  };
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

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--no-sandbox', '--allow-loopback-in-peer-connection'] });
const watchdog = setTimeout(() => {
  console.log('not ok - the run took over 60 s');
  process.exit(1);
}, 60000);
try {
  await run(browser);
} catch (e) {
  check(false, 'the run', e.message.split('\n')[0]);
}
clearTimeout(watchdog);
await browser.close();
console.log(`# ${n} checks, ${failed} failed`);
process.exit(failed ? 1 : 0);
