// SPDX-License-Identifier: BSD-2-Clause
// Bad requests against a running linerated started with bearer tokens:
//   node http.mjs --gateway http://127.0.0.1:PORT --pub-token SECRET
//     --view-token SECRET --other-token SECRET [--log GATEWAY_LOG]
// where the gateway was given --token pub:publish:*:SECRET,
// --token view:play:*:SECRET and --token other:publish:other-*:SECRET.
// Two pages of the demo publish and watch a room first (with their
// tokens); then every refusal the gateway has is asked for (non-SDP body,
// garbage SDP, SDP without fingerprint or ICE credentials, bodies over
// 64 KiB with Content-Length and chunked, unknown sessions, a bad room
// name, missing, wrong and under-privileged tokens, stale and missing
// If-Match, methods not allowed): each must be the right 4xx with a
// one-line text/plain reason and CORS headers, counted by code in
// /metrics (and logged, without any secret, in GATEWAY_LOG), while the
// live sessions go on: their data-plane packet counters rise across the
// bad requests and the viewer keeps decoding. Then /metrics must pass
// `promtool check metrics` (skipped, saying so, without promtool) and
// this directory's text-format checker (promtext.mjs), which is first
// shown to catch broken expositions. One line per check; exit 0 if all
// pass, 1 if not, 77 if Chromium or playwright-core is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
  Fatal, attempt, check, chromiumOrSkip, failures, gwStats, launch, mediaIn, must,
  note, openDemo, parseArgs, root, sid, summary, until, watchdog,
} from './harness.mjs';
import { parse, value } from './promtext.mjs';

const opt = parseArgs({ gateway: '', 'pub-token': '', 'view-token': '',
  'other-token': '', log: '-', room: `http-${process.pid}` },
'http.mjs --gateway URL --pub-token S --view-token S --other-token S ' +
  '[--log FILE] [--room NAME]');
const ORIGIN = 'http://127.0.0.2:8000'; // a page on another origin
const BODY_MAX = 65536;
const WRONG = 'not-a-token-0123456789abcdef';
const chromium = chromiumOrSkip();

// ---- HTTP, with node:http: headers and bodies exactly as written -------

function request(method, where, { headers = {}, body = null,
  chunked = false } = {}) {
  return new Promise((resolve) => {
    const h = { Origin: ORIGIN, ...headers };
    if (body !== null && !chunked) h['Content-Length'] = Buffer.byteLength(body);
    let res = null;
    const req = http.request(new URL(where, opt.gateway),
      { method, headers: h, agent: false }, (r) => {
        res = { status: r.statusCode, headers: r.headers, body: '' };
        const parts = [];
        r.on('data', (c) => parts.push(c));
        r.on('end', () => resolve({ ...res,
          body: Buffer.concat(parts).toString('utf8') }));
        r.on('error', () => resolve(res));
      });
    // A server may answer and close before a long body is all written
    // (413 on Content-Length): the answer, if any, is what counts.
    req.on('error', (e) => {
      if (!res) resolve({ status: 0, headers: {}, body: '', err: e.message });
    });
    if (body !== null && chunked) {
      for (let i = 0; i < body.length; i += 8192) {
        req.write(body.slice(i, i + 8192));
      }
    } else if (body !== null) {
      req.write(body);
    }
    req.end();
  });
}

const bearer = (t) => ({ Authorization: `Bearer ${t}` });
const sdpType = { 'Content-Type': 'application/sdp' };
const fragType = { 'Content-Type': 'application/trickle-ice-sdpfrag' };

async function metrics() {
  const r = await request('GET', '/metrics');
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status}`);
  return { text: r.body, ...parse(r.body) };
}

const responses = (m, code) =>
  value(m.samples, 'linerated_http_responses_total', { code: String(code) })
  || 0;

// ---- the requests ------------------------------------------------------

const FIXTURE = fs.readFileSync(path.join(root, 'tests', 'fixtures', 'sdp',
  'chromium-156-offer-av-dc.sdp'), 'utf8');
const FIXTURE_PWD = FIXTURE.match(/a=ice-pwd:(\S+)/)[1];
const without = (re) => FIXTURE.split('\r\n').filter((l) => !re.test(l))
  .join('\r\n');

// Every refusal: what, the request, the status and what its reason says.
function badRequests(room, a, b) {
  const empty = `bad-${process.pid}`; // offers are read in a room free
  const pub = bearer(opt['pub-token']);
  const view = bearer(opt['view-token']);
  const big = `v=0\r\n${'a=x-padding:'.padEnd(100, 'x')}\r\n`
    .repeat(Math.ceil((BODY_MAX + 1) / 102));
  const nobody = '/session/0123456789abcdef0123456789abcdef';
  return [
    ['a non-SDP body (text/plain)', 'POST', `/whip/${room}`,
      { headers: { ...pub, 'Content-Type': 'text/plain' }, body: 'hello' },
      415, /application\/sdp/],
    ['garbage as application/sdp', 'POST', `/whip/${empty}`,
      { headers: { ...pub, ...sdpType }, body: 'hello, gateway\r\n' },
      400, /offer refused/],
    ['an SDP offer without a=fingerprint', 'POST', `/whip/${empty}`,
      { headers: { ...pub, ...sdpType }, body: without(/^a=fingerprint:/) },
      400, /fingerprint/],
    ['an SDP offer without ICE credentials', 'POST', `/whip/${empty}`,
      { headers: { ...pub, ...sdpType },
        body: without(/^a=ice-(ufrag|pwd):/) }, 400, /ice-ufrag/],
    [`a body over ${BODY_MAX} bytes with Content-Length`, 'POST',
      `/whip/${room}`, { headers: { ...pub, ...sdpType }, body: big }, 413,
      /body over 65536 bytes/],
    [`a body over ${BODY_MAX} bytes, chunked`, 'POST', `/whip/${room}`,
      { headers: { ...pub, ...sdpType }, body: big, chunked: true }, 413,
      /body over 65536 bytes/],
    ['a second publisher in the room', 'POST', `/whip/${room}`,
      { headers: { ...pub, ...sdpType }, body: FIXTURE }, 409,
      /already has a publisher/],
    ['PATCH of an unknown session', 'PATCH', nobody,
      { headers: { ...pub, ...fragType, 'If-Match': '*' },
        body: 'a=end-of-candidates\r\n' }, 404, /no such session/],
    ['DELETE of an unknown session', 'DELETE', nobody,
      { headers: pub }, 404, /no such session/],
    ['a bad room name', 'POST', '/whip/bad!room',
      { headers: { ...pub, ...sdpType }, body: FIXTURE }, 400,
      /bad room name/],
    ['no token', 'POST', `/whip/${room}`,
      { headers: sdpType, body: FIXTURE }, 401, /bearer token/],
    ['a wrong token', 'POST', `/whip/${room}`,
      { headers: { ...bearer(WRONG), ...sdpType }, body: FIXTURE }, 401,
      /bearer token/],
    ['a play token used to publish', 'POST', `/whip/${room}`,
      { headers: { ...view, ...sdpType }, body: FIXTURE }, 401,
      /right to publish/],
    ['a publish token used to play', 'POST', `/whep/${room}`,
      { headers: { ...pub, ...sdpType }, body: FIXTURE }, 401,
      /right to play/],
    ['a token for rooms other-* used in another room', 'POST',
      `/whip/${room}`, { headers: { ...bearer(opt['other-token']),
        ...sdpType }, body: FIXTURE }, 401, /bearer token/],
    ['a publish token ending the viewer\'s session', 'DELETE', b.path,
      { headers: pub }, 401, /right to play/],
    ['PATCH with a stale ETag', 'PATCH', a.path,
      { headers: { ...pub, ...fragType, 'If-Match': '"0000000000000000"' },
        body: 'a=end-of-candidates\r\n' }, 412, /ETag/],
    ['PATCH without If-Match', 'PATCH', a.path,
      { headers: { ...pub, ...fragType }, body: 'a=end-of-candidates\r\n' },
      428, /If-Match/],
    ['PATCH with a body not trickle-ice-sdpfrag', 'PATCH', a.path,
      { headers: { ...pub, 'Content-Type': 'text/plain', 'If-Match': a.etag },
        body: 'a=end-of-candidates\r\n' }, 415, /trickle-ice-sdpfrag/],
    ['PATCH with a malformed SDP fragment', 'PATCH', a.path,
      { headers: { ...pub, ...fragType, 'If-Match': a.etag },
        body: 'hello\r\n' }, 400, /sdpfrag refused/],
    ['GET on a WHIP endpoint', 'GET', `/whip/${room}`, { headers: pub },
      405, /use POST/],
    ['PUT on a session', 'PUT', a.path, { headers: pub, body: 'x' }, 405,
      /use PATCH or DELETE/],
  ];
}

// One refusal: its status, reason, headers.
function judge(what, r, status, reason) {
  const ok = r.status === status;
  const ctype = r.headers['content-type'] || '';
  const oneLine = /^[^\r\n]+\n$/.test(r.body);
  check(ok && ctype.startsWith('text/plain') && oneLine &&
    reason.test(r.body) && r.headers['access-control-allow-origin'] === '*',
  `${what}: ${status}, a one-line text/plain reason, CORS`,
  `${r.status || r.err} ${JSON.stringify(r.body)}, ${ctype || 'no type'}, ` +
    `ACAO ${r.headers['access-control-allow-origin'] || 'none'}`);
  if (status === 401) {
    check(/^Bearer\b/.test(r.headers['www-authenticate'] || ''),
      `${what}: 401 has WWW-Authenticate: Bearer`,
      r.headers['www-authenticate'] || 'none');
  }
  if (status === 405) {
    check(/PATCH/.test(r.headers.allow || ''), `${what}: 405 has Allow`,
      r.headers.allow || 'none');
  }
}

// ---- the run -----------------------------------------------------------

async function live(browser, room, errors) {
  const A = await openDemo(browser, 'A', `${opt.gateway}/?room=${room}`,
    errors);
  const B = await openDemo(browser, 'B', `${opt.gateway}/?room=${room}`,
    errors);
  const pub = await attempt(A, ([r, t]) => window.linerate.publish(r,
    { token: t, video: { width: 320, height: 240 } }),
  [room, opt['pub-token']]);
  must(pub.ok, 'A publishes with the publish token', pub.err);
  const watch = await attempt(B, ([r, t]) => window.linerate.watch(r,
    { token: t }), [room, opt['view-token']]);
  must(watch.ok, 'B watches with the play token', watch.err);
  const media = await until(() => B.evaluate(mediaIn),
    (m) => m.frames > 30 && m.audioPackets > 50, 30000);
  must(media.ok, 'B decodes A (framesDecoded > 30, audio packets > 50)',
    `${media.v.frames} frames, ${media.v.audioPackets} audio packets`);
  const info = async (page) => {
    const s = await page.evaluate(() => window.linerate.state());
    return { page, loc: s.location, path: new URL(s.location).pathname,
      etag: s.etag, id: sid(s.location) };
  };
  return [await info(A), await info(B)];
}

async function selfTestChecker() {
  const broken = [
    ['a sample without # TYPE', 'x_total 1\n', /has no # TYPE/],
    ['buckets that fall', '# TYPE h histogram\nh_bucket{le="1"} 3\n' +
      'h_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n', /not cumulative/],
    ['+Inf bucket != _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\n' +
      'h_sum 1\nh_count 3\n', /!= _count/],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\n' +
      'h_count 2\n', /not le="\+Inf"/],
    ['a bad label', '# TYPE c counter\nc{a="x} 1\n', /unterminated/],
  ];
  for (const [what, text, re] of broken) {
    const p = parse(text).problems;
    check(p.some((x) => re.test(x)), `the text-format checker catches ${what}`,
      p.join('; ') || 'nothing found');
  }
}

function promtool(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text,
    encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') {
    note('skip: promtool is not installed (Debian: apt-get install ' +
      'prometheus); the text-format checker below still runs');
    return;
  }
  check(!r.error && r.status === 0 && !(r.stdout + r.stderr).trim(),
    '/metrics passes `promtool check metrics`',
    r.error ? r.error.message : `exit ${r.status} ${(r.stdout + r.stderr)
      .trim().replace(/\n/g, ' | ')}`);
}

async function main(browser) {
  const errors = [];
  const room = opt.room;
  const health = await request('GET', '/healthz');
  must(health.status === 200, 'GET /healthz answers 200', `${health.status}`);
  const [a, b] = await live(browser, room, errors);

  // Before: the counters, the live sessions' data-plane counters.
  const m0 = await metrics();
  const s0 = await gwStats(opt.gateway);
  const f0 = await b.page.evaluate(mediaIn);

  // The fixture offer is a good one: the refusals below are for what was
  // taken out of it. Its session is ended at once.
  const good = await request('POST', `/whip/ok-${process.pid}`,
    { headers: { ...bearer(opt['pub-token']), ...sdpType }, body: FIXTURE });
  const goodDel = good.headers.location ? await request('DELETE',
    good.headers.location, { headers: bearer(opt['pub-token']) }) : {};
  check(good.status === 201 && goodDel.status === 200, 'the fixture offer ' +
    'itself is answered 201, and its session DELETEd 200',
  `${good.status} ${good.status === 201 ? '' : good.body.trim()}, ` +
    `DELETE ${goodDel.status}`);

  // RFC 9725 §4.6: the ICE servers (linerated runs with one STUN and one
  // TURN server) as Link headers; TURN's credentials to an authorized
  // 201 only, never to the token-less OPTIONS preflight.
  const links = good.headers.link || '';
  check(links.includes('<stun:stun.example.org:3478>; rel="ice-server"') &&
    /<turn:turn\.example\.org:3478\?transport=udp>; rel="ice-server"; username="lr-user"; credential="lr-pass"/.test(links),
  'the 201 carries both ICE servers as Link headers', links);
  const opt0 = await request('OPTIONS', `/whip/${room}`, {});
  const olinks = opt0.headers.link || '';
  check(opt0.status === 204 && olinks.includes('stun:stun.example.org') &&
    !olinks.includes('turn:') && !olinks.includes('lr-pass'),
  'an OPTIONS preflight gets the STUN server only (no TURN credentials)',
  `${opt0.status} ${olinks}`);

  const sent = {};
  for (const [what, method, where, init, status, reason] of
    badRequests(room, a, b)) {
    judge(what, await request(method, where, init), status, reason);
    sent[status] = (sent[status] || 0) + 1;
  }

  // The sessions' ETags are unchanged: a PATCH with A's still works.
  const fine = await request('PATCH', a.path, { headers: {
    ...bearer(opt['pub-token']), ...fragType, 'If-Match': a.etag },
  body: 'a=end-of-candidates\r\n' });
  check(fine.status === 204, 'a PATCH with A\'s own ETag is still taken ' +
    '(204)', `${fine.status} ${fine.body.trim()}`);

  // After: every refusal counted by its code, the sessions undisturbed.
  // (/stats is read until both counters have moved on from before: the
  // timeout is a safety net, a disturbed session stays below it.)
  const dpOf = (st, x) => {
    const q = st.sessions.find((s) => s.id === x.id);
    return q && q.dp ? q : null;
  };
  const grown = (st) => [[a, 'rx_packets'], [b, 'tx_packets']].every(
    ([x, dir]) => dpOf(st, x) && dpOf(s0, x) &&
      dpOf(st, x).dp[dir] > dpOf(s0, x).dp[dir]);
  const s1 = (await until(() => gwStats(opt.gateway), grown, 10000)).v;
  const m1 = await metrics();
  for (const code of Object.keys(sent).sort()) {
    const d = responses(m1, code) - responses(m0, code);
    check(d === sent[code], `linerated_http_responses_total{code="${code}"} ` +
      `grew by the ${sent[code]} sent`, `${responses(m0, code)} → ` +
      `${responses(m1, code)}`);
  }
  const auth0 = value(m0.samples, 'linerated_rejected_total',
    { reason: 'auth' });
  const auth1 = value(m1.samples, 'linerated_rejected_total',
    { reason: 'auth' });
  check(auth1 - auth0 === sent[401], 'linerated_rejected_total' +
    `{reason="auth"} grew by the ${sent[401]} 401s`, `${auth0} → ${auth1}`);
  for (const [name, x, dir] of [['A', a, 'rx_packets'],
    ['B', b, 'tx_packets']]) {
    const p = dpOf(s0, x);
    const q = dpOf(s1, x);
    check(p && q && q.dp[dir] > p.dp[dir] && q.state === 'connected',
      `${name}'s data-plane ${dir} kept rising across the bad requests, ` +
      'still connected', p && q ? `${p.dp[dir]} → ${q.dp[dir]}, ${q.state}`
        : 'not in /stats');
  }
  const f1 = await until(() => b.page.evaluate(mediaIn),
    (m) => m.frames > f0.frames, 10000);
  check(f1.ok && f1.v.state === 'connected', 'B kept decoding and is ' +
    'still connected', `framesDecoded ${f0.frames} → ${f1.v.frames}, ` +
    `${f1.v.state}`);
  const rooms = s1.rooms.map((r) => r.name);
  check(rooms.length === 1 && rooms[0] === room, '/stats: no room is left ' +
    'behind by the refused offers, the live one is there', rooms.join(' '));
  const aState = await a.page.evaluate(() =>
    window.linerate.state().connectionState);
  check(aState === 'connected', 'A is still connected', aState);

  // /metrics: promtool, and the format checked here.
  promtool(m1.text);
  await selfTestChecker();
  check(m1.problems.length === 0, '/metrics passes the text-format checker ' +
    '(TYPE for every sample, cumulative buckets ending at +Inf == _count)',
  m1.problems.slice(0, 5).join('; '));
  check(m1.types.linerated_handshake_seconds === 'histogram' &&
    value(m1.samples, 'linerated_handshake_seconds_count') >= 2,
  '/metrics has the handshake histogram, with A and B in it',
  `count ${value(m1.samples, 'linerated_handshake_seconds_count')}`);

  // The pages leave.
  const bye = await Promise.all([a, b].map((x) =>
    attempt(x.page, () => window.linerate.leave())));
  check(bye.every((x) => x.ok && x.v.status === 200), 'A and B leave: ' +
    'DELETE 200', bye.map((x) => x.ok ? x.v.status : x.err).join(' '));
  check(errors.length === 0, 'no JavaScript error on the pages',
    errors.slice(0, 5).join(' | '));
  m1.answerPwd = (good.body.match(/a=ice-pwd:(\S+)/) || [])[1];
  return m1;
}

// The gateway's log: each refusal there once, no secret anywhere.
function checkLog(m) {
  if (opt.log === '-') {
    note('no --log: the gateway\'s log is not checked');
    return;
  }
  const log = fs.readFileSync(opt.log, 'utf8');
  for (const s of m.samples.filter((x) =>
    x.name === 'linerated_http_responses_total' &&
    Number(x.labels.code) >= 400)) {
    const n = log.split('\n').filter((l) =>
      l.includes(`http_refused status=${s.labels.code} `)).length;
    check(n === s.value, `the log has one http_refused line per ` +
      `${s.labels.code} counted`, `${n} lines, ${s.value} counted`);
  }
  for (const [what, secret] of [['the publish token', opt['pub-token']],
    ['the play token', opt['view-token']],
    ['the other-* token', opt['other-token']], ['the wrong token', WRONG],
    ['the offers\' ICE password', FIXTURE_PWD],
    ['the ICE password of the gateway\'s answer', m.answerPwd]]) {
    if (!secret) {
      check(false, `${what} is known`);
      continue;
    }
    check(!log.includes(secret), `${what} is not in the gateway's log`);
  }
  check(!/a=ice-pwd:/.test(log), 'no a=ice-pwd: line in the gateway\'s log');
}

const stop = watchdog(120000);
let browser;
let m = null;
try {
  browser = await launch(chromium);
  m = await main(browser);
} catch (e) {
  if (!(e instanceof Fatal)) check(false, 'the run completes', e.stack);
} finally {
  if (browser) await browser.close().catch(() => {});
  stop();
}
if (m) checkLog(m);
if (failures() && opt.log !== '-') {
  note(`the end of the gateway's log (${opt.log}):`);
  for (const l of fs.readFileSync(opt.log, 'utf8').trim().split('\n')
    .slice(-40)) note(`  ${l}`);
}
process.exit(summary());
