// SPDX-License-Identifier: BSD-2-Clause
// The pure parts of the page's WHIP/WHEP client (control/gateway/web/
// whip.js), in Node without a browser: Link headers (RFC 8288, the
// ice-server relation of RFC 9725 section 4.6), the SDP fragments of
// trickle and ICE restart (RFC 8840), and the rewrite of the last answer
// with the ICE credentials a restart returns.
//   node --test whip-unit.mjs
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  iceOf, iceServersFromLink, parseLink, restartAnswer, sdpfrag,
} from '../../control/gateway/web/whip.js';

test('Link: the RFC 9725 section 4.6 set, as fetch joins the headers', () => {
  const joined = [
    '<stun:stun.example.net>; rel="ice-server"',
    '<turn:turn.example.net?transport=udp>; rel="ice-server"; ' +
      'username="user"; credential="myPassword"; credential-type="password"',
    '<turn:turn.example.net?transport=tcp>; rel="ice-server"; ' +
      'username="user"; credential="myPassword"; credential-type="password"',
    '<turns:turn.example.net?transport=tcp>; rel="ice-server"; ' +
      'username="user"; credential="myPassword"; credential-type="password"',
  ].join(', ');
  assert.deepEqual(iceServersFromLink(joined), [
    { urls: 'stun:stun.example.net' },
    { urls: 'turn:turn.example.net?transport=udp', username: 'user',
      credential: 'myPassword' },
    { urls: 'turn:turn.example.net?transport=tcp', username: 'user',
      credential: 'myPassword' },
    { urls: 'turns:turn.example.net?transport=tcp', username: 'user',
      credential: 'myPassword' },
  ]);
});

test('Link: quoted strings keep commas, semicolons and escapes', () => {
  const v = '<turn:t.example:3478>; rel="ice-server"; username="a,b;c"; ' +
    'credential="p\\"w,d", <stun:s.example>; rel=ice-server';
  assert.deepEqual(iceServersFromLink(v), [
    { urls: 'turn:t.example:3478', username: 'a,b;c', credential: 'p"w,d' },
    { urls: 'stun:s.example' },
  ]);
});

test('Link: other relations and non-ICE schemes are left out', () => {
  const v = '</session/1>; rel="self", <https://x.example/>; ' +
    'rel="ice-server", <stun:ok.example>; REL="next ice-server"';
  assert.deepEqual(iceServersFromLink(v), [{ urls: 'stun:ok.example' }]);
  assert.equal(parseLink(v).length, 3);
  assert.equal(parseLink(v)[2].params.rel, 'next ice-server');
});

test('Link: malformed values give what can be read, never throw', () => {
  for (const v of ['', ',,,', 'garbage', '<stun:unterminated',
    '<stun:a>; rel="ice-server', '<stun:a>;;;=;rel', ';;<', '"<>"',
    'x, <stun:b>; rel="ice-server"']) {
    assert.doesNotThrow(() => iceServersFromLink(v), v);
  }
  assert.deepEqual(iceServersFromLink('x, <stun:b>; rel="ice-server"'),
    [{ urls: 'stun:b' }]);
  assert.deepEqual(iceServersFromLink('<stun:a>; rel="ice-server'),
    [{ urls: 'stun:a' }]);
  assert.deepEqual(iceServersFromLink(null), []);
});

test('sdpfrag: credentials, m= line, mid, candidates, end (RFC 8840)', () => {
  const f = sdpfrag('EsAw', 'P2uYro0UCOQ4zxjKXaWCBui1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', '0',
    ['candidate:1 1 udp 2122260223 127.0.0.1 61764 typ host'], true);
  assert.equal(f, 'a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n' +
    'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n' +
    'a=candidate:1 1 udp 2122260223 127.0.0.1 61764 typ host\r\n' +
    'a=end-of-candidates\r\n');
  const back = iceOf(f);
  assert.equal(back.ufrag, 'EsAw');
  assert.equal(back.pwd, 'P2uYro0UCOQ4zxjKXaWCBui1');
  assert.equal(back.mid, '0');
  assert.equal(back.end, true);
  assert.deepEqual(back.candidates,
    ['candidate:1 1 udp 2122260223 127.0.0.1 61764 typ host']);
  assert.equal(sdpfrag('u', 'p', 'm=audio 9 X 0', 'a', [], false),
    'a=ice-ufrag:u\r\na=ice-pwd:p\r\nm=audio 9 X 0\r\na=mid:a\r\n');
});

const ANSWER = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 40000 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 127.0.0.1',
  'a=mid:0', 'a=ice-ufrag:old1', 'a=ice-pwd:oldpassword0000000000000',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
  'a=end-of-candidates',
  'm=video 40000 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 127.0.0.1',
  'a=mid:1', 'a=ice-ufrag:old1', 'a=ice-pwd:oldpassword0000000000000',
  'm=application 40000 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 127.0.0.1', 'a=mid:2', 'a=ice-ufrag:old1',
  'a=ice-pwd:oldpassword0000000000000', '',
].join('\r\n');

test('restart: new ufrag/pwd everywhere, candidates kept if none come', () => {
  const out = restartAnswer(ANSWER, { ufrag: 'new2',
    pwd: 'newpassword1111111111111', candidates: [], end: false });
  assert.equal(out, ANSWER.replaceAll('old1', 'new2')
    .replaceAll('oldpassword0000000000000', 'newpassword1111111111111'));
});

test('restart: candidates from the 200 replace the old ones', () => {
  const out = restartAnswer(ANSWER, { ufrag: 'new2',
    pwd: 'newpassword1111111111111', end: true,
    candidates: ['candidate:9 1 udp 2130706431 127.0.0.1 40002 typ host'] });
  const lines = out.split('\r\n');
  assert.equal(lines.filter((l) => l.startsWith('a=candidate:')).length, 1);
  const video = lines.indexOf('m=video 40000 UDP/TLS/RTP/SAVPF 96');
  // Still in the first m-section, just before the second.
  assert.deepEqual(lines.slice(video - 2, video), [
    'a=candidate:9 1 udp 2130706431 127.0.0.1 40002 typ host',
    'a=end-of-candidates']);
  assert.equal(lines.filter((l) => l === 'a=ice-ufrag:new2').length, 3);
  assert.ok(!out.includes('old1'));
  assert.ok(out.endsWith('\r\n') && !out.endsWith('\r\n\r\n'));
});
