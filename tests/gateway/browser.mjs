// SPDX-License-Identifier: BSD-2-Clause
// The demo page against a running linerated, in headless Chromium:
//   node browser.mjs --gateway http://127.0.0.1:PORT --shot B.png [--room R]
// Page B, served by this script from another origin (127.0.0.2), watches
// a room by WHEP before anyone publishes; page A (the gateway's origin)
// then publishes the fake camera and microphone by WHIP; C and D join
// mid-stream, C leaves. The checks: media on B, chat both ways, DTMF, a
// keyframe for late viewers, DELETE, the data plane carrying the media
// (GET /stats), trickle and ICE restarts by PATCH. One line per check;
// exit 0 if all pass, 1 if not, 77 if Chromium or playwright-core is
// missing. LR_UPDATE_DOCS=1 also copies the screenshot to
// docs/img/demo.png.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const WEB = path.join(root, 'control', 'gateway', 'web');
const CHROMIUM = '/usr/bin/chromium';
const WATCHDOG_MS = 55000; // a safety net, far above a normal run (~20 s)

function args() {
  const a = { gateway: '', shot: '', room: `browser-${process.pid}` };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i++) {
    const k = v[i].replace(/^--/, '');
    if (!(k in a) || i + 1 >= v.length) {
      console.error(`usage: node browser.mjs --gateway URL --shot PNG ` +
        `[--room NAME] (bad argument ${v[i]})`);
      process.exit(2);
    }
    a[k] = v[++i];
  }
  if (!a.gateway || !a.shot) {
    console.error('usage: node browser.mjs --gateway URL --shot PNG ' +
      '[--room NAME]');
    process.exit(2);
  }
  a.gateway = a.gateway.replace(/\/+$/, '');
  return a;
}

const opt = args();

if (!fs.existsSync(CHROMIUM)) {
  console.log(`skip: ${CHROMIUM} is not installed`);
  process.exit(77);
}
let chromium;
try {
  const req = createRequire(path.join(root, 'tests', 'interop', 'node',
    'package.json'));
  ({ chromium } = req('playwright-core'));
} catch (e) {
  console.log('skip: playwright-core not found in tests/interop/node ' +
    `(npm ci there): ${e.message.split('\n')[0]}`);
  process.exit(77);
}

// ---- reporting ---------------------------------------------------------

let nchecks = 0;
let nfailed = 0;
function check(ok, what, detail = '') {
  nchecks++;
  if (!ok) nfailed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${nchecks} - ${what}` +
    (detail ? ` (${detail})` : ''));
  return ok;
}
class Fatal extends Error {}
function must(ok, what, detail) {
  if (!check(ok, what, detail)) throw new Fatal(what);
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Evaluate fn in page until pred(value) holds; returns the last value and
// whether it held. The timeout is a safety net, not a measured figure.
async function until(page, fn, arg, pred, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await page.evaluate(fn, arg);
    if (pred(v)) return { v, ok: true };
    if (Date.now() > end) return { v, ok: false };
    await sleep(100);
  }
}

// ---- the page, from another origin -------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml' };

function serveWeb() {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\//, '') ||
      'index.html';
    // Only the plain files of web/, by exact name.
    const files = fs.readdirSync(WEB).filter((f) =>
      fs.statSync(path.join(WEB, f)).isFile());
    if (req.method !== 'GET' || !files.includes(name)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] ||
      'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(path.join(WEB, name)));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.2', () => ok(server));
  });
}

// ---- in-page probes (run by page.evaluate) -----------------------------

async function probe() {
  const r = { frames: 0, audioPackets: 0, videoPackets: 0, pair: null,
    localUfrag: null };
  for (const s of await window.linerate.stats()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      r.frames = s.framesDecoded || 0;
      r.videoPackets = s.packetsReceived || 0;
    }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      r.audioPackets = s.packetsReceived || 0;
    }
    if (s.type === 'transport') r.pair = s.selectedCandidatePairId || null;
  }
  r.state = window.linerate.state();
  return r;
}

const getState = () => window.linerate.state();

// page.evaluate that reports a rejection instead of throwing it.
async function attempt(page, fn, arg) {
  try {
    return { ok: true, v: await page.evaluate(fn, arg), err: '' };
  } catch (e) {
    return { ok: false, v: null, err: e.message.split('\n')[0] };
  }
}

// ---- the gateway's /stats ----------------------------------------------

async function gwStats() {
  const resp = await fetch(`${opt.gateway}/stats`, { cache: 'no-store' });
  if (resp.status !== 200) throw new Error(`GET /stats: ${resp.status}`);
  return resp.json();
}

// /stats names a session by the first 8 hex digits of its resource (the
// whole of it is the capability to change or end the session).
const sid = (loc) =>
  new URL(loc).pathname.split('/').filter(Boolean).pop().slice(0, 8);

function rtpCounts(pcStats) {
  let inb = 0;
  let out = 0;
  for (const s of Array.isArray(pcStats) ? pcStats : []) {
    if (s.type === 'inbound-rtp') inb += s.packetsReceived || 0;
    if (s.type === 'outbound-rtp') out += s.packetsSent || 0;
  }
  return { inb, out };
}

// ---- the run -----------------------------------------------------------

async function main(browser, web) {
  const other = `http://127.0.0.2:${web.address().port}`;
  const errors = [];
  const room = opt.room;
  const open = async (name, url) => {
    const page = await browser.newPage({ viewport: { width: 1280,
      height: 800 } });
    page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') {
        errors.push(`${name}: console: ${m.text()} ${m.location().url || ''}`);
      }
    });
    await page.goto(url);
    await page.waitForFunction(() => window.linerate !== undefined, null,
      { timeout: 10000 });
    return page;
  };
  const rising = async (page, by, timeoutMs) => {
    const a = await page.evaluate(probe);
    const b = await until(page, probe, null,
      (p) => p.frames >= a.frames + by, timeoutMs);
    return { from: a.frames, to: b.v.frames, ok: b.ok, p: b.v };
  };

  // Is the gateway there at all?
  let health = 0;
  try {
    health = (await fetch(`${opt.gateway}/healthz`)).status;
  } catch (e) {
    health = e.message;
  }
  must(health === 200, `GET ${opt.gateway}/healthz answers 200`,
    `got ${health}`);

  // 1-2. B watches from another origin, before anyone publishes (a
  // viewer may come first); then A publishes from the gateway's origin.
  const bUrl = `${other}/?role=watch&room=${encodeURIComponent(room)}` +
    `&autostart=1&gateway=${encodeURIComponent(opt.gateway)}`;
  const B = await open('B', bUrl);
  const bUp = await until(B, getState, null, (s) => s.error ||
    s.connectionState === 'connected', 15000);
  must(bUp.ok && !bUp.v.error, `B watches by WHEP from ${other} ` +
    '(cross-origin, autostart link), before the room has a publisher',
  bUp.v.error || `state ${bUp.v.connectionState}, session ` +
    `${bUp.v.location}`);

  const A = await open('A', `${opt.gateway}/?room=${room}`);
  const pub = await attempt(A, (r) => window.linerate.publish(r,
    { video: { width: 640, height: 360 } }), room);
  must(pub.ok && !!pub.v.location, 'A publishes by WHIP from the gateway ' +
    'origin', pub.ok ? `session ${new URL(pub.v.location).pathname}`
    : pub.err);
  const aUp = await until(A, getState, null,
    (s) => s.connectionState === 'connected', 15000);
  must(aUp.ok, 'A is connected', `state ${aUp.v.connectionState}`);
  const told = await until(B, getState, null,
    (s) => s.roomInfo && s.roomInfo.publisher, 10000);
  check(told.ok, 'B is told the publisher arrived ({"type":"room"})',
    JSON.stringify(told.v.roomInfo));

  const media = await until(B, probe, null,
    (p) => p.frames > 30 && p.audioPackets > 100, 20000);
  check(media.ok, 'B decodes A\'s video (framesDecoded > 30) and receives ' +
    'its audio (packetsReceived > 100)', `framesDecoded ${media.v.frames}, ` +
    `audio packetsReceived ${media.v.audioPackets}`);

  // Chat both ways, over the gateway.
  const dcs = await Promise.all([A, B].map((p) => until(p, getState, null,
    (s) => s.dataChannel === 'open', 10000)));
  check(dcs.every((d) => d.ok), 'A and B have their chat data channel open',
    dcs.map((d) => d.v.dataChannel).join(', '));
  const sa = await attempt(A, () => window.linerate.chat('hello from A'));
  const ab = await until(B, getState, null, (s) => s.chat.some((m) =>
    m.text === 'hello from A' && m.from === 'publisher'), 10000);
  check(ab.ok, 'chat A → B arrives, from "publisher"',
    sa.err || JSON.stringify(ab.v.chat));
  const sb = await attempt(B, () => window.linerate.chat('hi from B'));
  const ba = await until(A, getState, null, (s) => s.chat.some((m) =>
    m.text === 'hi from B' && /^viewer-\d+$/.test(m.from)), 10000);
  check(ba.ok, 'chat B → A arrives, from "viewer-<n>"',
    sb.err || JSON.stringify(ba.v.chat));

  // DTMF: A's RTCDTMFSender, as the gateway saw it, shown on B.
  const sd = await attempt(A, () => window.linerate.dtmf('1#'));
  const tones = await until(B, getState, null,
    (s) => s.tones.includes('1#'), 10000);
  check(tones.ok, 'DTMF "1#" sent by A is shown on B',
    sd.err || `B's tones "${tones.v.tones}"`);

  // 3. B's screenshot, once its figures are on screen.
  await B.waitForFunction(() => document.getElementById('s-in')
    .textContent !== '–', null, { timeout: 5000 }).catch(() => {});
  await B.screenshot({ path: opt.shot });
  const shot = fs.existsSync(opt.shot) ? fs.statSync(opt.shot).size : 0;
  check(shot > 0, `screenshot of B saved to ${opt.shot}`, `${shot} bytes`);
  if (shot > 0 && process.env.LR_UPDATE_DOCS === '1') {
    // The picture of the page in the docs, refreshed on request.
    const doc = path.join(root, 'docs', 'img', 'demo.png');
    fs.mkdirSync(path.dirname(doc), { recursive: true });
    fs.copyFileSync(opt.shot, doc);
    console.log('# LR_UPDATE_DOCS=1: copied to docs/img/demo.png');
  }

  // 4. C (gateway origin) and D (the other origin) join mid-stream.
  const C = await open('C', `${opt.gateway}/?room=${room}`);
  const D = await open('D', `${other}/?room=${room}&gateway=` +
    encodeURIComponent(opt.gateway));
  const joined = await Promise.allSettled([C, D].map((p) =>
    p.evaluate((r) => window.linerate.watch(r), room)));
  for (const [name, page, j] of [['C', C, joined[0]], ['D', D, joined[1]]]) {
    if (j.status !== 'fulfilled') {
      check(false, `${name} joins mid-stream`, j.reason.message);
      continue;
    }
    const ff = await until(page, getState, null,
      (s) => s.timeline.firstFrame > 0, 15000);
    const t = ff.v.timeline;
    const ms = t.firstFrame ? Math.round(t.firstFrame - t.connected) : -1;
    const fromJoin = t.firstFrame ? Math.round(t.firstFrame - t.start) : -1;
    console.log(`# ${name}: first decoded frame ${ms} ms after the ` +
      `connection was up, ${fromJoin} ms after the WHEP POST began`);
    check(ff.ok && ms <= 2000, `${name} joins mid-stream and decodes a ` +
      'keyframe within 2 s of connecting', ff.ok ? `${ms} ms`
      : `no frame decoded; state ${ff.v.connectionState}`);
    const r = await rising(page, 15, 10000);
    check(r.ok, `${name}'s framesDecoded keeps rising`,
      `${r.from} → ${r.to}`);
  }

  // C leaves by DELETE; B and D go on.
  const cState = await C.evaluate(getState);
  const left = (await attempt(C, () => window.linerate.leave())).v || {};
  check(left.status === 200, 'C leaves: DELETE answers 200',
    `status ${left.status}`);
  for (const [name, page] of [['B', B], ['D', D]]) {
    const r = await rising(page, 30, 10000);
    check(r.ok && r.p.state.connectionState === 'connected',
      `${name} is unaffected by C leaving (framesDecoded keeps rising)`,
      `${r.from} → ${r.to}, ${r.p.state.connectionState}`);
  }

  // 5. The data plane carries the media; lr_pc's own RTP path does not.
  const ids = { A: sid(pub.v.location), B: sid(bUp.v.location),
    D: sid((await D.evaluate(getState)).location) };
  const s1 = await gwStats();
  await sleep(3000);
  const s2 = await gwStats();
  check(!s2.sessions.some((s) => s.id === sid(cState.location)),
    'C\'s session is gone from /stats after its DELETE');
  for (const [name, dir] of [['A', 'rx_packets'], ['B', 'tx_packets'],
    ['D', 'tx_packets']]) {
    const x = s1.sessions.find((s) => s.id === ids[name]);
    const y = s2.sessions.find((s) => s.id === ids[name]);
    if (!check(x && y && x.dp && y.dp, `/stats lists ${name}'s session ` +
      `${ids[name]} with dp counters`)) continue;
    check(y.dp[dir] > x.dp[dir], `${name}'s data-plane ${dir} grow`,
      `${x.dp[dir]} → ${y.dp[dir]} in 3 s`);
    const p = rtpCounts(x.pc);
    const q = rtpCounts(y.pc);
    check(p.inb === q.inb && p.out === q.out, `${name}'s lr_pc ` +
      'inbound-rtp/outbound-rtp packet counts do not grow (media bypasses ' +
      'the control plane)', `in ${p.inb} → ${q.inb}, out ${p.out} → ` +
      `${q.out}`);
  }

  // 6. Trickle by PATCH, then ICE restarts of B and of A.
  const aPatches = (await A.evaluate(getState)).patches
    .filter((p) => p.kind === 'trickle');
  check(aPatches.length > 0 && aPatches.every((p) => p.status === 204),
    'A\'s trickle PATCHes are answered 204', aPatches.map((p) =>
      `${p.status}:${p.candidates}${p.end ? '+end' : ''}`).join(' '));
  check(aPatches.some((p) => p.end), 'A sent a=end-of-candidates by PATCH');

  for (const [name, page] of [['B', B], ['A', A]]) {
    const before = await page.evaluate(probe);
    const rs = await attempt(page, () => window.linerate.restartIce());
    if (!check(rs.ok, `${name}: restartIce() resolves`, rs.err)) continue;
    const res = rs.v;
    const after = await until(page, probe, null, (p) =>
      p.state.connectionState === 'connected' && p.pair &&
      p.pair !== before.pair, 15000);
    const last = after.v.state.patches.filter((p) => p.kind === 'restart')
      .pop();
    const s0 = before.state;
    const s = after.v.state;
    check(last && last.status === 200 && s.localUfrag !== s0.localUfrag &&
      s.remoteUfrag !== s0.remoteUfrag && res.remoteUfrag === s.remoteUfrag,
    `${name}: ICE restart by PATCH answered 200, new ufrags applied`,
    `status ${last ? last.status : '-'}, local ${s0.localUfrag} → ` +
      `${s.localUfrag}, gateway ${s0.remoteUfrag} → ${s.remoteUfrag}`);
    check(after.ok, `${name}: connected again on a new candidate pair`,
      `${before.pair} → ${after.v.pair}, ${s.connectionState}`);
    const r = await rising(B, 30, 10000);
    check(r.ok, `B's video goes on after ${name}'s ICE restart`,
      `framesDecoded ${r.from} → ${r.to}`);
  }

  // Every page leaves; the gateway then has nothing left in the room.
  const bye = await Promise.all([A, B, D].map((p) =>
    attempt(p, () => window.linerate.leave())));
  check(bye.every((b) => b.ok && b.v.status === 200),
    'A, B and D leave: DELETE 200', bye.map((b) => b.ok ? b.v.status
      : b.err).join(' '));
  const s3 = await gwStats();
  const rest = s3.sessions.filter((s) => s.room === room);
  check(rest.length === 0, `/stats shows no session left in room ${room}`,
    rest.map((s) => s.id).join(' '));

  check(errors.length === 0, 'no JavaScript error on any page',
    errors.slice(0, 5).join(' | '));
}

const watchdog = setTimeout(() => {
  check(false, `the run finishes within ${WATCHDOG_MS / 1000} s`);
  console.log(`# ${nchecks} checks, ${nfailed} failed`);
  process.exit(1);
}, WATCHDOG_MS);

const web = await serveWeb();
let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream', '--no-sandbox',
      '--allow-loopback-in-peer-connection'],
  });
  await main(browser, web);
} catch (e) {
  if (!(e instanceof Fatal)) check(false, 'the run completes', e.stack);
} finally {
  if (browser) await browser.close().catch(() => {});
  web.close();
  clearTimeout(watchdog);
}
console.log(`# ${nchecks} checks, ${nfailed} failed`);
process.exit(nfailed || !nchecks ? 1 : 0);
