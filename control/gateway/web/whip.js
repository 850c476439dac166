// SPDX-License-Identifier: BSD-2-Clause
// A WHIP/WHEP client (RFC 9725) for a browser RTCPeerConnection: the
// offer POSTed to the endpoint, the session resource from Location, its
// entity tag, trickle ICE and ICE restarts by PATCH with SDP fragments
// (RFC 8840), ICE servers from Link headers (RFC 8288), DELETE.
// Every HTTP failure becomes a WhipError carrying the status and the
// gateway's one-line reason. Secrets (token, ICE passwords) are never
// logged.

export class WhipError extends Error {
  constructor(what, status, reason, retryAfter) {
    let msg = what;
    if (status) msg += `: HTTP ${status}`;
    if (reason) msg += ` ${reason}`;
    if (retryAfter) msg += ` (retry after ${retryAfter} s)`;
    super(msg);
    this.name = 'WhipError';
    this.status = status || 0;
    this.reason = reason || '';
    this.retryAfter = retryAfter || '';
  }
}

// One line of the response body, or the status text: the gateway answers
// errors with a text/plain reason; anything longer is cut.
async function reasonOf(resp) {
  let text = '';
  try {
    text = await resp.text();
  } catch {
    text = '';
  }
  text = text.split(/\r?\n/).find((l) => l.trim()) || resp.statusText || '';
  return text.trim().slice(0, 200);
}

async function request(what, url, init) {
  let resp;
  try {
    resp = await fetch(url, { mode: 'cors', cache: 'no-store', ...init });
  } catch (e) {
    throw new WhipError(`${what}: cannot reach ${new URL(url).origin}` +
      ' (gateway down, or it refused the cross-origin request)');
  }
  return resp;
}

async function failure(what, resp) {
  const reason = await reasonOf(resp);
  return new WhipError(what, resp.status, reason,
    resp.headers.get('Retry-After') || '');
}

// RFC 8288 Link header values (several headers arrive joined by ", ").
// Returns [{ uri, params: { name: value } }]; names in lower case.
export function parseLink(value) {
  const out = [];
  let i = 0;
  const n = value ? value.length : 0;
  const ws = () => {
    while (i < n && ' \t'.includes(value[i])) i++;
  };
  while (i < n) {
    while (i < n && ' \t,'.includes(value[i])) i++;
    if (i >= n) break;
    if (value[i] !== '<') { // malformed: skip to the next link
      while (i < n && value[i] !== ',') i++;
      continue;
    }
    const end = value.indexOf('>', i);
    if (end < 0) break;
    const link = { uri: value.slice(i + 1, end).trim(), params: {} };
    i = end + 1;
    for (;;) {
      ws();
      if (value[i] !== ';') break;
      i++;
      ws();
      let name = '';
      while (i < n && !'=;, \t'.includes(value[i])) name += value[i++];
      ws();
      let val = '';
      if (value[i] === '=') {
        i++;
        ws();
        if (value[i] === '"') {
          for (i++; i < n && value[i] !== '"'; i++) {
            if (value[i] === '\\' && i + 1 < n) i++;
            val += value[i];
          }
          i++;
        } else {
          while (i < n && !';, \t'.includes(value[i])) val += value[i++];
        }
      }
      name = name.toLowerCase();
      if (name && !(name in link.params)) link.params[name] = val;
    }
    out.push(link);
  }
  return out;
}

// RTCIceServer entries from Link headers with rel="ice-server" (RFC 9725
// section 4.6): username and credential for TURN.
export function iceServersFromLink(value) {
  return parseLink(value)
    .filter((l) => (l.params.rel || '').toLowerCase().split(/\s+/)
      .includes('ice-server'))
    .filter((l) => /^(stuns?|turns?):/i.test(l.uri))
    .map((l) => {
      const s = { urls: l.uri };
      if (l.params.username !== undefined) s.username = l.params.username;
      if (l.params.credential !== undefined) {
        s.credential = l.params.credential;
      }
      return s;
    });
}

// What an SDP (or fragment) says about ICE: ufrag, pwd, candidates,
// end-of-candidates, and the first m-line with its mid.
export function iceOf(sdp) {
  const r = { ufrag: '', pwd: '', candidates: [], end: false, mline: '',
    mid: '' };
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('a=ice-ufrag:') && !r.ufrag) r.ufrag = line.slice(12);
    else if (line.startsWith('a=ice-pwd:') && !r.pwd) r.pwd = line.slice(10);
    else if (line.startsWith('a=candidate:')) r.candidates.push(line.slice(2));
    else if (line === 'a=end-of-candidates') r.end = true;
    else if (line.startsWith('m=') && !r.mline) r.mline = line;
    else if (line.startsWith('a=mid:') && !r.mid) r.mid = line.slice(6);
  }
  return r;
}

// An RFC 8840 fragment: ICE credentials, then per m-section its m= line,
// mid and candidates (ours are all on the first, BUNDLE-tagged, section).
export function sdpfrag(ufrag, pwd, mline, mid, candidates, end) {
  const l = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, mline, `a=mid:${mid}`];
  for (const c of candidates) l.push(`a=${c}`);
  if (end) l.push('a=end-of-candidates');
  return l.join('\r\n') + '\r\n';
}

// The previous remote answer with the gateway's new ICE credentials (and
// candidates, when the restart response carries some).
export function restartAnswer(sdp, frag) {
  const replace = frag.candidates.length > 0;
  const out = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('a=ice-ufrag:')) out.push(`a=ice-ufrag:${frag.ufrag}`);
    else if (line.startsWith('a=ice-pwd:')) out.push(`a=ice-pwd:${frag.pwd}`);
    else if (replace && (line.startsWith('a=candidate:') ||
               line === 'a=end-of-candidates')) continue;
    else out.push(line);
  }
  if (replace) {
    // The new candidates close the first (BUNDLE-tagged) m-section.
    const first = out.findIndex((l) => l.startsWith('m='));
    let next = out.findIndex((l, k) => k > first && l.startsWith('m='));
    if (next < 0) next = out.length;
    const add = frag.candidates.map((c) => `a=${c}`);
    if (frag.end) add.push('a=end-of-candidates');
    out.splice(next, 0, ...add);
  }
  return out.join('\r\n') + '\r\n';
}

// One session with a WHIP (publish) or WHEP (play) endpoint.
// opts: { token, onEvent(kind, detail) } — onEvent sees 'patch' records,
// 'ice-servers' and 'error' events for the page.
export class WhipClient {
  constructor(pc, endpoint, opts = {}) {
    this.pc = pc;
    this.endpoint = endpoint;
    this.token = opts.token || '';
    this.onEvent = opts.onEvent || (() => {});
    this.location = '';
    this.etag = '';
    this.iceServers = [];
    this.patches = []; // { kind, status, candidates, end, error }
    this.pending = []; // candidate lines not yet sent
    this.endPending = false;
    this.chain = Promise.resolve(); // PATCHes go one at a time
    this.flushQueued = false;
    this.holdTrickle = false; // during an ICE restart
    this.trickleOff = false; // the gateway does not take trickle
    this.closed = false;
    pc.addEventListener('icecandidate', (e) => this.onCandidate(e));
  }

  headers(extra) {
    const h = { ...extra };
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    return h;
  }

  // Offer → POST → answer applied. Resolves to the session's URL. The
  // offer goes without waiting for candidates: they follow by PATCH.
  async start() {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const local = iceOf(this.pc.localDescription.sdp);
    this.ufrag = local.ufrag;
    this.pwd = local.pwd;
    this.mline = local.mline;
    this.mid = local.mid;
    let path = new URL(this.endpoint).pathname;
    if (path.length > 60) path = `${path.slice(0, 59)}…`;
    const what = `POST ${path}`;
    const resp = await request(what, this.endpoint, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/sdp' }),
      body: this.pc.localDescription.sdp,
    });
    if (resp.status !== 201) throw await failure(what, resp);
    const loc = resp.headers.get('Location');
    if (!loc) throw new WhipError(`${what}: 201 without a Location header`);
    // Relative to the URL that answered (after any 307).
    this.location = new URL(loc, resp.url || this.endpoint).href;
    this.etag = resp.headers.get('ETag') || '';
    const answer = await resp.text();
    this.iceServers = iceServersFromLink(resp.headers.get('Link') || '');
    if (this.iceServers.length) {
      // Used for gathering from now on (ICE restarts).
      const conf = this.pc.getConfiguration();
      conf.iceServers = this.iceServers;
      try {
        this.pc.setConfiguration(conf);
      } catch (e) {
        this.onEvent('error', `ICE servers from Link not usable: ${e.message}`);
      }
      this.onEvent('ice-servers', this.iceServers.map((s) => s.urls));
    }
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.scheduleFlush();
    return this.location;
  }

  onCandidate(e) {
    if (this.closed || this.trickleOff) return;
    if (e.candidate && e.candidate.candidate) {
      // BUNDLE: only the first m-section's transport is used.
      if (e.candidate.sdpMid && this.mid && e.candidate.sdpMid !== this.mid) {
        return;
      }
      this.pending.push(e.candidate.candidate);
    } else if (!e.candidate) {
      this.endPending = true;
    } else {
      return; // an empty candidate: end of one generation, no content
    }
    this.scheduleFlush();
  }

  scheduleFlush() {
    if (!this.location || this.holdTrickle || this.flushQueued) return;
    if (!this.pending.length && !this.endPending) return;
    this.flushQueued = true;
    // A macrotask later, so candidates gathered together go together.
    setTimeout(() => {
      this.chain = this.chain.then(() => this.flush());
    }, 0);
  }

  async flush() {
    this.flushQueued = false;
    if (this.closed || this.trickleOff || this.holdTrickle) return;
    if (!this.pending.length && !this.endPending) return;
    const cands = this.pending.splice(0);
    const end = this.endPending;
    this.endPending = false;
    const rec = { kind: 'trickle', status: 0, candidates: cands.length, end,
      error: '' };
    this.patches.push(rec);
    const body = sdpfrag(this.ufrag, this.pwd, this.mline, this.mid, cands,
      end);
    const h = { 'Content-Type': 'application/trickle-ice-sdpfrag' };
    if (this.etag) h['If-Match'] = this.etag;
    const what = 'PATCH (trickle ICE)';
    try {
      const resp = await request(what, this.location, {
        method: 'PATCH', headers: this.headers(h), body });
      rec.status = resp.status;
      if (resp.status === 204 || resp.status === 200) {
        const tag = resp.headers.get('ETag');
        if (tag) this.etag = tag;
      } else if (resp.status === 405 || resp.status === 501) {
        // No trickle here: ICE still completes from our checks.
        this.trickleOff = true;
        rec.error = 'the gateway does not take trickled candidates';
      } else {
        const err = await failure(what, resp);
        rec.error = err.message;
        this.onEvent('error', err.message);
      }
    } catch (e) {
      rec.error = e.message;
      this.onEvent('error', e.message);
    }
    this.onEvent('patch', rec);
    this.scheduleFlush();
  }

  // ICE restart (RFC 9725 section 4.4): a new offer with new ICE
  // credentials, PATCHed with If-Match "*"; the 200 response's fragment
  // carries the gateway's new credentials, applied to the last answer.
  async restartIce() {
    if (!this.location) throw new WhipError('ICE restart: no session');
    this.holdTrickle = true;
    this.pending = [];
    this.endPending = false;
    const rec = { kind: 'restart', status: 0, candidates: 0, end: false,
      error: '' };
    const run = async () => {
      const previous = this.pc.remoteDescription.sdp;
      const offer = await this.pc.createOffer({ iceRestart: true });
      await this.pc.setLocalDescription(offer);
      const local = iceOf(this.pc.localDescription.sdp);
      this.ufrag = local.ufrag;
      this.pwd = local.pwd;
      this.patches.push(rec);
      const body = sdpfrag(local.ufrag, local.pwd, this.mline, this.mid,
        local.candidates, false);
      const what = 'PATCH (ICE restart)';
      const resp = await request(what, this.location, {
        method: 'PATCH',
        headers: this.headers({
          'Content-Type': 'application/trickle-ice-sdpfrag',
          'If-Match': '*', // RFC 9110 section 13.1.1: any entity
        }),
        body,
      });
      rec.status = resp.status;
      if (resp.status !== 200) {
        const err = await failure(what, resp);
        rec.error = err.message;
        // Back to the old credentials so the session keeps working.
        await this.pc.setLocalDescription({ type: 'rollback' })
          .catch(() => {});
        throw err;
      }
      this.etag = resp.headers.get('ETag') || this.etag;
      const frag = iceOf(await resp.text());
      if (!frag.ufrag || !frag.pwd) {
        rec.error = 'the 200 response has no a=ice-ufrag/a=ice-pwd';
        throw new WhipError(`${what}: ${rec.error}`);
      }
      await this.pc.setRemoteDescription({ type: 'answer',
        sdp: restartAnswer(previous, frag) });
      return frag.ufrag;
    };
    const done = this.chain.then(run);
    this.chain = done.catch(() => {}).finally(() => {
      this.holdTrickle = false;
      this.onEvent('patch', rec);
      this.scheduleFlush();
    });
    return done;
  }

  // DELETE the session; resolves to the HTTP status.
  async stop() {
    this.closed = true;
    if (!this.location) return 0;
    const loc = this.location;
    this.location = '';
    const what = 'DELETE session';
    const resp = await request(what, loc, { method: 'DELETE',
      headers: this.headers({}) });
    if (resp.status !== 200 && resp.status !== 204) {
      throw await failure(what, resp);
    }
    return resp.status;
  }

  // On page unload: best effort, the response is not waited for.
  stopOnUnload() {
    if (!this.location) return;
    this.closed = true;
    fetch(this.location, { method: 'DELETE', keepalive: true, mode: 'cors',
      headers: this.headers({}) }).catch(() => {});
    this.location = '';
  }
}
