// SPDX-License-Identifier: BSD-2-Clause
// The linerate demo page: publish a camera to a room (WHIP) or watch it
// (WHEP), chat and DTMF over the `chat` data channel, live figures from
// getStats() and the gateway's /stats. window.linerate is the same thing
// as an API for tests and for people at the console.
import { WhipClient, WhipError, iceOf } from './whip.js';
import { summarize, fmtRate, fmtCount } from './stats.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#',
  'A', 'B', 'C', 'D'];

// Where the gateway is: this page's origin, or ?gateway=http://host:port.
function gatewayBase() {
  const g = params.get('gateway');
  if (!g) return location.origin;
  try {
    const u = new URL(g);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      return u.href.replace(/\/+$/, '');
    }
  } catch {
    // falls through
  }
  showError(`Ignoring ?gateway=${g}: not an http(s) URL`);
  return location.origin;
}

let S = null; // the session: one at a time
const ui = { base: '', statsTimer: 0, gwTimer: 0, flashTimer: 0 };

function newSession(role, room) {
  return {
    role, room, pc: null, whip: null, dc: null, stream: null,
    connectionState: 'new', iceConnectionState: 'new', location: '',
    tones: '', sentTones: '', chat: [], roomInfo: null, error: '',
    leaveStatus: 0, badMessages: 0, prev: null, view: null,
    timeline: { start: performance.now(), answered: 0, connected: 0,
      firstFrame: 0 },
  };
}

// ---- errors and status -------------------------------------------------

function showError(msg) {
  if (S) S.error = msg;
  $('error-text').textContent = msg;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

function setPill(state) {
  const pill = $('conn');
  pill.dataset.state = state;
  pill.textContent = state;
}

function setBusy(busy) {
  $('btn-publish').disabled = busy;
  $('btn-watch').disabled = busy;
  $('room').disabled = busy;
  $('token').disabled = busy;
  $('btn-leave').disabled = !busy;
  $('btn-restart').disabled = !busy;
}

function overlay(big, small) {
  const o = $('overlay');
  if (!big) {
    o.hidden = true;
    return;
  }
  o.replaceChildren();
  const p1 = document.createElement('p');
  p1.className = 'big';
  p1.textContent = big;
  o.append(p1);
  if (small) {
    const p2 = document.createElement('p');
    p2.textContent = small;
    o.append(p2);
  }
  o.hidden = false;
}

// ---- chat --------------------------------------------------------------

function addMessage(who, text, cls) {
  const list = $('messages');
  const empty = list.querySelector('.empty');
  if (empty) empty.remove();
  const li = document.createElement('li');
  if (cls) li.className = cls;
  if (who) {
    const w = document.createElement('span');
    w.className = 'who';
    w.textContent = who;
    li.append(w);
  }
  li.append(document.createTextNode(text));
  list.append(li);
  while (list.children.length > 200) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function myName() {
  const n = $('chat-name').value.trim();
  if (n) return n.slice(0, 32);
  return S && S.role === 'publish' ? 'host' : 'guest';
}

function chat(text) {
  if (!S || !S.dc || S.dc.readyState !== 'open') {
    throw new Error('chat: the data channel is not open');
  }
  text = String(text).slice(0, 500);
  if (!text.trim()) return;
  const name = myName();
  S.dc.send(JSON.stringify({ type: 'chat', text, name }));
  addMessage(`${name} (you)`, text, 'mine');
}

// ---- DTMF --------------------------------------------------------------

function buildKeypad() {
  const pad = $('keypad');
  pad.replaceChildren();
  for (const k of KEYS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = k;
    b.dataset.key = k;
    b.disabled = true;
    b.addEventListener('click', () => {
      try {
        dtmf(k);
      } catch (e) {
        showError(e.message);
      }
    });
    pad.append(b);
  }
}

function lightKey(tone) {
  const b = $('keypad').querySelector(`[data-key="${CSS.escape(tone)}"]`);
  if (b) {
    b.classList.add('lit');
    setTimeout(() => b.classList.remove('lit'), 400);
  }
  const f = $('tone-flash');
  f.textContent = tone;
  f.classList.add('on');
  clearTimeout(ui.flashTimer);
  ui.flashTimer = setTimeout(() => f.classList.remove('on'), 700);
}

function showTones(s) {
  $('tones').textContent = s ? s.slice(-24) : '–';
}

function dtmf(tones) {
  tones = String(tones).toUpperCase();
  if (!/^[0-9A-D#*,]{1,40}$/.test(tones)) {
    throw new Error(`DTMF: "${tones}" is not 0-9, A-D, *, # or ,`);
  }
  if (!S || S.role !== 'publish') throw new Error('DTMF: publishers only');
  const tr = S.pc.getTransceivers().find((t) => t.sender.track &&
    t.sender.track.kind === 'audio');
  const d = tr && tr.sender.dtmf;
  if (!d || !d.canInsertDTMF) {
    throw new Error('DTMF: telephone-event was not negotiated');
  }
  d.insertDTMF(d.toneBuffer + tones, 100, 70);
}

// ---- data channel ------------------------------------------------------

function onDcMessage(e) {
  let m;
  try {
    m = JSON.parse(e.data);
  } catch {
    S.badMessages++;
    return;
  }
  if (!m || typeof m !== 'object') {
    S.badMessages++;
    return;
  }
  if (m.type === 'chat' && typeof m.text === 'string') {
    const rec = { from: String(m.from || ''), name: String(m.name || ''),
      text: m.text };
    S.chat.push(rec);
    const who = rec.name && rec.from && rec.name !== rec.from
      ? `${rec.name} · ${rec.from}` : rec.name || rec.from || 'someone';
    addMessage(who, rec.text);
  } else if (m.type === 'dtmf' && typeof m.tone === 'string') {
    S.tones += m.tone;
    showTones(S.tones);
    lightKey(m.tone);
  } else if (m.type === 'room') {
    S.roomInfo = { publisher: !!m.publisher, viewers: Number(m.viewers) || 0 };
    showRoom();
  } else {
    S.badMessages++;
  }
}

function showRoom() {
  const r = S && S.roomInfo;
  const el = $('room-info');
  el.replaceChildren();
  if (!S) return;
  const b = document.createElement('b');
  b.textContent = S.room;
  el.append('Room ', b);
  if (r) {
    const v = r.viewers === 1 ? '1 viewer' : `${r.viewers} viewers`;
    el.append(` · ${r.publisher ? 'live' : 'no publisher'} · ${v}`);
  }
}

function setupDc(dc) {
  S.dc = dc;
  const sess = S;
  dc.addEventListener('open', () => {
    $('chat-send').disabled = false;
    $('chat-state').textContent = 'connected';
  });
  dc.addEventListener('close', () => {
    $('chat-send').disabled = true;
    $('chat-state').textContent = 'offline';
  });
  dc.addEventListener('message', (e) => {
    if (S === sess) onDcMessage(e);
  });
}

// ---- stats -------------------------------------------------------------

const set = (id, v) => {
  const text = v === null || v === undefined || v === '' ? '–' : String(v);
  $(id).textContent = text;
  $(id).title = text; // the whole value when the tile cuts it
};

async function refreshStats() {
  if (!S || !S.pc) return;
  const sess = S;
  const report = await sess.pc.getStats();
  if (S !== sess) return;
  const { view, sample } = summarize(report, sess.prev);
  sess.prev = sample;
  if (sess.role === 'watch') {
    // The picture is moving: no overlay; no publisher: say so.
    const moving = view.framesDecoded > (sess.view ? sess.view.framesDecoded ||
      0 : 0);
    if (moving) {
      overlay(null);
    } else if (sess.roomInfo && !sess.roomInfo.publisher) {
      overlay('Waiting for the publisher…',
        `Media starts as soon as someone publishes to “${sess.room}”.`);
    }
  }
  sess.view = view;
  set('s-in', fmtRate(view.inKbps));
  set('s-out', fmtRate(view.outKbps));
  set('s-fps', view.fps !== null ? `${Math.round(view.fps)} fps` : null);
  const res = view.width ? `${view.width}×${view.height}` : null;
  set('s-res', res);
  $('badge-res').hidden = !res;
  $('badge-res').textContent = res && view.fps !== null
    ? `${res} · ${Math.round(view.fps)} fps` : res || '';
  if (sess.role === 'watch') {
    $('s-frames-label').textContent = 'Frames decoded';
    set('s-frames', fmtCount(view.framesDecoded));
  } else {
    $('s-frames-label').textContent = 'Frames encoded';
    set('s-frames', fmtCount(view.framesEncoded));
  }
  set('s-lost', view.lost);
  set('s-rtt', view.rttMs !== null ? `${view.rttMs.toFixed(1)} ms` : null);
  set('s-codec', [view.videoCodec, view.audioCodec].filter(Boolean)
    .join(' + '));
  set('s-path', view.path ? `${view.path} ${view.protocol || ''}` : null);
  set('s-crypto', [view.tls, view.dtls, view.srtp].filter(Boolean)
    .join(' · '));
  $('tls').textContent = view.dtlsState ? `DTLS ${view.dtlsState}` : '';
}

// The gateway's own view (GET /stats): this room and this session.
async function refreshGateway() {
  const sess = S;
  const room = sess ? sess.room : $('room').value.trim();
  let js;
  try {
    const resp = await fetch(`${ui.base}/stats`, { cache: 'no-store' });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    js = await resp.json();
  } catch (e) {
    set('g-sessions', `unavailable (${e.message})`);
    return;
  }
  if (S !== sess) return;
  const sessions = Array.isArray(js.sessions) ? js.sessions : [];
  const inRoom = sessions.filter((s) => s.room === room);
  const pubs = inRoom.filter((s) => s.kind === 'publish').length;
  const views = inRoom.length - pubs;
  set('g-room', `${room}: ${pubs} publisher${pubs === 1 ? '' : 's'}, ` +
    `${views} viewer${views === 1 ? '' : 's'}`);
  set('g-sessions', `${sessions.length} in all`);
  // /stats names a session by a prefix of its resource id (the whole id
  // is the capability to change or end it).
  const id = sess ? sessionId(sess.location) : '';
  const me = id && sessions.find((s) => s.id && id.startsWith(s.id));
  if (me && me.dp) {
    set('g-dp', `rx ${fmtCount(me.dp.rx_packets)} · tx ` +
      `${fmtCount(me.dp.tx_packets)} pkts`);
  } else {
    set('g-dp', null);
  }
}

function sessionId(loc) {
  try {
    return new URL(loc).pathname.split('/').filter(Boolean).pop() || '';
  } catch {
    return '';
  }
}

// Viewers: when the first video frame was decoded, polled closely from
// the moment the connection is up (what a keyframe request on subscribe
// governs).
async function watchFirstFrame(sess) {
  while (S === sess && !sess.timeline.firstFrame && sess.pc &&
    sess.pc.connectionState !== 'closed') {
    const report = await sess.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' &&
        s.framesDecoded > 0 && !sess.timeline.firstFrame) {
        sess.timeline.firstFrame = performance.now();
      }
    });
    await new Promise((ok) => setTimeout(ok, 40));
  }
}

function startTimers() {
  stopTimers();
  ui.statsTimer = setInterval(() => refreshStats().catch(() => {}), 1000);
}

function stopTimers() {
  clearInterval(ui.statsTimer);
}

// ---- sessions ----------------------------------------------------------

function watchPc(sess) {
  const pc = sess.pc;
  pc.addEventListener('connectionstatechange', () => {
    sess.connectionState = pc.connectionState;
    if (S !== sess) return;
    setPill(pc.connectionState);
    if (pc.connectionState === 'connected' && !sess.timeline.connected) {
      sess.timeline.connected = performance.now();
      if (sess.role === 'watch') watchFirstFrame(sess);
    }
    if (pc.connectionState === 'failed') {
      showError('The media connection failed. Try “Restart ICE”, or Leave ' +
        'and join again.');
    }
  });
  pc.addEventListener('iceconnectionstatechange', () => {
    sess.iceConnectionState = pc.iceConnectionState;
  });
}

function onWhipEvent(kind, detail) {
  if (kind === 'error') showError(detail);
}

async function playVideo(v) {
  // Sound needs a user gesture (a click on Watch); an autostarted page
  // plays muted and offers a button.
  const gesture = !navigator.userActivation ||
    navigator.userActivation.hasBeenActive;
  v.muted = !gesture;
  try {
    await v.play();
  } catch {
    v.muted = true;
    await v.play().catch(() => {});
  }
  $('btn-unmute').hidden = !v.muted;
}

async function begin(role, room, opts = {}) {
  room = String(room || '').trim();
  if (!room) throw new Error('Enter a room name');
  if (S) throw new Error(`Already ${S.role === 'publish' ? 'publishing' :
    'watching'} room “${S.room}”: leave first`);
  clearError();
  const sess = newSession(role, room);
  S = sess;
  $('room').value = room;
  updateHints();
  setBusy(true);
  setPill('new');
  $('messages').replaceChildren();
  addMessage('', `You joined “${room}” as ${role === 'publish' ? 'the publisher'
    : 'a viewer'}.`, 'note');
  showTones('');
  showRoom();
  buildKeypad();
  $('keypad').classList.toggle('readonly', role !== 'publish');
  $('dtmf-hint').textContent = role === 'publish'
    ? 'press to send tones' : 'tones the publisher sends';
  $('badge-role').hidden = false;
  $('badge-role').textContent = role === 'publish' ? 'live' : 'watching';
  try {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle',
      iceServers: opts.iceServers || [] });
    sess.pc = pc;
    watchPc(sess);
    const v = $('video');
    if (role === 'publish') {
      overlay('Starting camera…');
      const video = opts.video || { width: { ideal: 1280 },
        height: { ideal: 720 } };
      sess.stream = await navigator.mediaDevices.getUserMedia({
        audio: true, video });
      if (S !== sess) throw new Error('left during camera start');
      for (const t of sess.stream.getTracks()) {
        pc.addTransceiver(t, { direction: 'sendonly',
          streams: [sess.stream] });
      }
      const audio = pc.getSenders().find((x) => x.track &&
        x.track.kind === 'audio');
      if (audio && audio.dtmf) {
        audio.dtmf.addEventListener('tonechange', (e) => {
          if (!e.tone || S !== sess) return;
          sess.sentTones += e.tone;
          showTones(sess.sentTones);
          lightKey(e.tone);
        });
      }
      v.srcObject = sess.stream;
      v.muted = true;
      await v.play().catch(() => {});
      overlay(null);
    } else {
      overlay('Connecting…');
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
      const remote = new MediaStream();
      pc.addEventListener('track', (e) => {
        remote.addTrack(e.track);
        if (v.srcObject !== remote) {
          v.srcObject = remote;
          playVideo(v); // once: a second play() would race the first
        }
      });
      v.addEventListener('resize', () => {
        if (S === sess && v.videoWidth) overlay(null);
      });
    }
    setupDc(pc.createDataChannel('chat'));
    pc.addEventListener('datachannel', (e) => {
      // Should the gateway open channels of its own, read them too.
      e.channel.addEventListener('message', (m) => {
        if (S === sess) onDcMessage(m);
      });
    });
    const kind = role === 'publish' ? 'whip' : 'whep';
    const endpoint = `${ui.base}/${kind}/${encodeURIComponent(room)}`;
    sess.whip = new WhipClient(pc, endpoint, { token: opts.token || '',
      onEvent: onWhipEvent });
    sess.location = await sess.whip.start();
    sess.timeline.answered = performance.now();
    if (role === 'watch' && !v.videoWidth && S === sess) {
      overlay('Waiting for video…', 'Connected to the gateway; the picture ' +
        'appears with the first keyframe.');
    }
    if (role === 'publish') {
      for (const b of $('keypad').children) b.disabled = false;
    }
    startTimers();
    refreshStats().catch(() => {});
    refreshGateway();
    return { location: sess.location };
  } catch (e) {
    const why = e.name && e.name !== 'Error' ? `${e.name}: ${e.message}`
      : e.message;
    const msg = e instanceof WhipError ? e.message
      : `${role === 'publish' ? 'Publish' : 'Watch'} failed: ${why}`;
    sess.error = msg;
    teardown(sess);
    overlay('Could not join the room', msg);
    showError(msg);
    setPill('failed');
    throw new Error(msg);
  }
}

function teardown(sess) {
  if (sess.stream) sess.stream.getTracks().forEach((t) => t.stop());
  if (sess.pc) sess.pc.close();
  sess.connectionState = 'closed';
  if (S === sess) {
    S = null;
    stopTimers();
    setBusy(false);
    $('chat-send').disabled = true;
    $('chat-state').textContent = 'offline';
    $('badge-role').hidden = true;
    $('badge-res').hidden = true;
    $('btn-unmute').hidden = true;
    for (const b of $('keypad').children) b.disabled = true;
    $('video').srcObject = null;
    $('room-info').replaceChildren();
    for (const dd of $('stats').querySelectorAll('dd')) dd.textContent = '–';
    $('tls').textContent = '';
    set('g-dp', null);
    ui.last = sess; // state() still answers about the session just ended
  }
}

async function leave() {
  const sess = S;
  if (!sess) return { status: 0 };
  let status = 0;
  try {
    status = sess.whip ? await sess.whip.stop() : 0;
  } catch (e) {
    showError(e.message);
    sess.error = e.message;
  }
  sess.leaveStatus = status;
  teardown(sess);
  setPill('closed');
  overlay('You left the room', 'Publish or Watch to join again.');
  return { status };
}

async function restartIce() {
  if (!S || !S.whip) throw new Error('ICE restart: not in a session');
  const sess = S;
  try {
    const ufrag = await sess.whip.restartIce();
    addMessage('', 'ICE restarted.', 'note');
    return { remoteUfrag: ufrag, localUfrag: sess.whip.ufrag };
  } catch (e) {
    showError(e.message);
    throw e;
  }
}

async function stats() {
  if (!S || !S.pc) return [];
  return [...(await S.pc.getStats()).values()];
}

function state() {
  const s = S || ui.last;
  if (!s) return { role: '', connectionState: 'idle', tones: '', chat: [] };
  const remote = s.pc && s.pc.remoteDescription
    ? iceOf(s.pc.remoteDescription.sdp) : null;
  return {
    role: s.role,
    room: s.room,
    connectionState: s.connectionState,
    iceConnectionState: s.iceConnectionState,
    dataChannel: s.dc ? s.dc.readyState : 'none',
    location: s.location,
    etag: s.whip ? s.whip.etag : '',
    tones: s.tones,
    sentTones: s.sentTones,
    chat: s.chat.slice(),
    roomInfo: s.roomInfo,
    patches: s.whip ? s.whip.patches.map((p) => ({ ...p })) : [],
    iceServers: s.whip ? s.whip.iceServers.map((x) => x.urls) : [],
    localUfrag: s.whip ? s.whip.ufrag || '' : '',
    remoteUfrag: remote ? remote.ufrag : '',
    selectedPair: s.view ? s.view.pairId : null,
    timeline: { ...s.timeline },
    leaveStatus: s.leaveStatus,
    badMessages: s.badMessages,
    error: s.error,
  };
}

// ---- wiring ------------------------------------------------------------

function updateHints() {
  const room = encodeURIComponent($('room').value.trim() || 'demo');
  $('whip-url').textContent = `${ui.base}/whip/${room}`;
  $('whep-url').textContent = `${ui.base}/whep/${room}`;
}

function wire() {
  const run = (f) => () => f().catch(() => {}); // errors are on the page
  $('btn-publish').addEventListener('click', run(() => begin('publish',
    $('room').value, { token: $('token').value })));
  $('btn-watch').addEventListener('click', run(() => begin('watch',
    $('room').value, { token: $('token').value })));
  $('btn-leave').addEventListener('click', run(leave));
  $('btn-restart').addEventListener('click', run(restartIce));
  $('btn-unmute').addEventListener('click', () => {
    $('video').muted = false;
    $('btn-unmute').hidden = true;
  });
  $('error-close').addEventListener('click', clearError);
  $('room').addEventListener('input', updateHints);
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    try {
      chat($('chat-text').value);
      $('chat-text').value = '';
    } catch (err) {
      showError(err.message);
    }
  });
  $('chat-name').addEventListener('change', () => {
    try {
      localStorage.setItem('linerate.name', $('chat-name').value.trim());
    } catch {
      // storage may be off; the name is then per visit
    }
  });
  for (const b of document.querySelectorAll('button.copy')) {
    b.addEventListener('click', () => {
      const text = $(b.dataset.copy).textContent;
      navigator.clipboard.writeText(text).then(() => {
        b.textContent = 'copied';
        setTimeout(() => { b.textContent = 'copy'; }, 1200);
      }, () => showError('Copy refused by the browser; select the text'));
    });
  }
  document.addEventListener('keydown', (e) => {
    if (!S || S.role !== 'publish' || e.target.closest('input')) return;
    const k = e.key.toUpperCase();
    if (KEYS.includes(k)) {
      try {
        dtmf(k);
      } catch (err) {
        showError(err.message);
      }
    }
  });
  window.addEventListener('pagehide', () => {
    if (S && S.whip) S.whip.stopOnUnload();
  });
}

function init() {
  ui.base = gatewayBase();
  $('room').value = params.get('room') || 'demo';
  try {
    $('chat-name').value = localStorage.getItem('linerate.name') || '';
  } catch {
    // no storage
  }
  if (ui.base !== location.origin) {
    // Say where media and any token go when it is not this page's origin.
    $('brand-sub').textContent = `WHIP · WHEP gateway at ${new URL(ui.base)
      .host}`;
  }
  $('link-stats').href = `${ui.base}/stats`;
  $('link-metrics').href = `${ui.base}/metrics`;
  buildKeypad();
  updateHints();
  wire();
  refreshGateway();
  ui.gwTimer = setInterval(() => refreshGateway(), 2000);
  window.linerate = {
    publish: (room, opts) => begin('publish', room, opts),
    watch: (room, opts) => begin('watch', room, opts),
    chat: (text) => chat(text),
    dtmf: (tones) => dtmf(tones),
    restartIce,
    leave,
    stats,
    state,
  };
  const role = params.get('role');
  if (role === 'publish' || role === 'watch') {
    if (params.get('autostart') === '1') {
      begin(role, $('room').value).catch(() => {});
    } else {
      $(role === 'publish' ? 'btn-publish' : 'btn-watch').focus();
    }
  }
}

init();
