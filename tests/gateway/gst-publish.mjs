// SPDX-License-Identifier: BSD-2-Clause
// A WHIP publisher no one here wrote, seen by a browser:
//   node gst-publish.mjs --gateway http://127.0.0.1:PORT [--room R]
//                        [--python /usr/bin/python3]
// whip_gst.py (GStreamer's webrtcbin: VP8 and Opus) publishes to the
// room by WHIP; then the demo page in headless Chromium watches the room
// by WHEP (window.linerate.watch) and must decode the publisher's video
// (framesDecoded > 30, VP8) and receive its audio (packetsReceived > 50,
// Opus). The publisher is then stopped (SIGTERM: it DELETEs its session
// and must exit 0), the viewer is told and leaves. One line per check;
// exit 0 if all pass, 1 if not, 77 if GStreamer's webrtcbin, Python's gi,
// Chromium or playwright-core is missing.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

import {
  Fatal, attempt, check, chromiumOrSkip, gwStats, launch, mediaIn, must,
  note, openDemo, parseArgs, root, sid, summary, until, watchdog,
} from './harness.mjs';

const opt = parseArgs({ gateway: '', room: `gst-${process.pid}`,
  python: '/usr/bin/python3' },
'gst-publish.mjs --gateway URL [--room NAME] [--python PATH]');
const WHIP_GST = path.join(root, 'tests', 'gateway', 'whip_gst.py');

// GStreamer first: skip with its own reason when it cannot run here.
const pre = spawnSync(opt.python, [WHIP_GST, '--check'], { encoding: 'utf8' });
if (pre.error || pre.status !== 0) {
  const why = pre.error ? `${opt.python}: ${pre.error.message}`
    : (pre.stdout + pre.stderr).trim().split('\n').pop();
  console.log(why.startsWith('skip:') ? why : `skip: ${why}`);
  process.exit(pre.status === 77 || pre.error ? 77 : 1);
}
const chromium = chromiumOrSkip();

// whip_gst.py, its lines echoed as comments; waitFor(re) resolves with
// the first line matching re, or null if it exits first.
function publisher() {
  const child = spawn(opt.python, [WHIP_GST, '--url',
    `${opt.gateway}/whip/${encodeURIComponent(opt.room)}`, '--seconds', '0'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = [];
  const exited = new Promise((ok) => child.on('exit', (code, sig) => {
    for (const w of waiters.splice(0)) w.ok(null);
    ok({ code, sig });
  }));
  const take = (prefix) => (line) => {
    lines.push(line);
    note(`${prefix}${line}`);
    for (const w of waiters.filter((x) => x.re.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.ok(line);
    }
  };
  readline.createInterface({ input: child.stdout }).on('line', take(''));
  readline.createInterface({ input: child.stderr })
    .on('line', take('stderr: '));
  return {
    child,
    lines,
    exited,
    waitFor(re) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve(null);
      }
      return new Promise((ok) => waiters.push({ re, ok }));
    },
  };
}

async function main(browser, pub) {
  const errors = [];
  const room = opt.room;

  const up = await pub.waitFor(/connected: streaming|FAIL/);
  must(up && !/FAIL/.test(up), `webrtcbin publishes to room ${room} by ` +
    'WHIP and connects (ICE, DTLS)', up || 'whip_gst.py exited');
  const posted = pub.lines.find((l) => / 201, session /.test(l)) || '';
  const location = (posted.match(/session (\S+)/) || [])[1] || '';

  const page = await openDemo(browser, 'viewer',
    `${opt.gateway}/?room=${encodeURIComponent(room)}`, errors);
  const watch = await attempt(page, (r) => window.linerate.watch(r), room);
  must(watch.ok && !!watch.v.location, 'the browser watches the room by WHEP',
    watch.ok ? `session ${new URL(watch.v.location).pathname}` : watch.err);

  const media = await until(() => page.evaluate(mediaIn),
    (m) => m.frames > 30 && m.audioPackets > 50, 30000);
  check(media.ok, 'the browser decodes webrtcbin\'s video (framesDecoded ' +
    '> 30) and receives its audio (packetsReceived > 50)',
  `framesDecoded ${media.v.frames}, audio packetsReceived ` +
    `${media.v.audioPackets}, ${media.v.state}`);
  check(media.v.codecs.join(' ') === 'audio/opus video/VP8',
    'what it receives is webrtcbin\'s Opus and VP8',
    media.v.codecs.join(' '));

  // The publisher's media went through the data plane.
  const st = await gwStats(opt.gateway);
  const ps = st.sessions.find((s) => location && s.id === sid(location));
  check(ps && ps.kind === 'publish' && ps.media === 'data-plane' && ps.dp &&
    ps.dp.rx_packets > 0, '/stats: the GStreamer session is on the data ' +
    'plane and its rx_packets count',
  ps ? `${ps.kind}, ${ps.media}, rx ${ps.dp && ps.dp.rx_packets}` :
    `no session ${location ? sid(location) : '(no Location)'}`);

  // The publisher stops: DELETE, exit 0; the viewer is told.
  pub.child.kill('SIGTERM');
  const end = await pub.exited;
  check(end.code === 0, 'whip_gst.py stops on SIGTERM and exits 0',
    `code ${end.code}, signal ${end.sig}`);
  const del = pub.lines.find((l) => /DELETE \S+: \d+/.test(l)) || '';
  check(/: 200 /.test(del), 'it DELETEd its session: 200', del);
  const sent = pub.lines.find((l) => /packets sent:/.test(l)) || '';
  check(/audio [1-9]\d*, video [1-9]\d*/.test(sent),
    'webrtcbin\'s own stats count audio and video packets sent', sent);
  const told = await until(() => page.evaluate(() =>
    window.linerate.state().roomInfo), (ri) => ri && !ri.publisher, 10000);
  check(told.ok, 'the browser is told the publisher left ({"type":"room"})',
    JSON.stringify(told.v));
  const left = await attempt(page, () => window.linerate.leave());
  check(left.ok && left.v.status === 200, 'the browser leaves: DELETE 200',
    left.ok ? `status ${left.v.status}` : left.err);
  const after = await gwStats(opt.gateway);
  const rest = after.sessions.filter((s) => s.room === room);
  check(rest.length === 0, `/stats shows no session left in room ${room}`,
    rest.map((s) => `${s.id} ${s.kind}`).join(', '));
  check(errors.length === 0, 'no JavaScript error on the page',
    errors.slice(0, 5).join(' | '));
}

const stop = watchdog(90000);
const pub = publisher();
let browser;
try {
  browser = await launch(chromium);
  await main(browser, pub);
} catch (e) {
  if (!(e instanceof Fatal)) check(false, 'the run completes', e.stack);
} finally {
  if (pub.child.exitCode === null && pub.child.signalCode === null) {
    pub.child.kill('SIGTERM');
    await pub.exited;
  }
  if (browser) await browser.close().catch(() => {});
  stop();
}
process.exit(summary());
