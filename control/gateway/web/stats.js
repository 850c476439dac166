// SPDX-License-Identifier: BSD-2-Clause
// The figures the page shows, from one RTCStatsReport and the previous
// sample (for rates): bitrates, video fps/resolution/frames, packets
// lost, RTT, codecs, the selected candidate pair, DTLS and SRTP.

const byType = (report, type) => {
  const out = [];
  report.forEach((s) => {
    if (s.type === type) out.push(s);
  });
  return out;
};

const fmtAddr = (c) => {
  if (!c) return '?';
  const host = c.address || c.ip || '?';
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${c.port} ${c.candidateType || ''}`.trim();
};

const kbps = (bytes, prevBytes, ms) =>
  ms > 0 && prevBytes !== undefined ? ((bytes - prevBytes) * 8) / ms : null;

// Returns { view, sample }: view holds display-ready values (null when
// unknown); sample is kept and passed back as prev next time.
export function summarize(report, prev) {
  const get = (id) => (id ? report.get(id) : undefined);
  const now = performance.now();
  const sample = { at: now, rx: 0, tx: 0 };
  const view = {
    inKbps: null, outKbps: null, fps: null, width: null, height: null,
    framesDecoded: null, framesEncoded: null, videoPackets: null,
    audioPackets: null, lost: null, rttMs: null, videoCodec: null,
    audioCodec: null, path: null, protocol: null, dtls: null, srtp: null,
    tls: null, dtlsState: null, localUfrag: null, pairId: null,
  };
  let lost = 0;
  let haveLost = false;
  for (const s of byType(report, 'inbound-rtp')) {
    sample.rx += (s.bytesReceived || 0) + (s.headerBytesReceived || 0);
    if (s.packetsLost !== undefined) {
      lost += Math.max(0, s.packetsLost);
      haveLost = true;
    }
    const codec = get(s.codecId);
    if (s.kind === 'video') {
      view.fps = s.framesPerSecond ?? view.fps;
      view.width = s.frameWidth ?? view.width;
      view.height = s.frameHeight ?? view.height;
      view.framesDecoded = s.framesDecoded ?? 0;
      view.videoPackets = s.packetsReceived ?? 0;
      if (codec) view.videoCodec = codec.mimeType.replace(/^video\//, '');
    } else if (s.kind === 'audio') {
      view.audioPackets = s.packetsReceived ?? 0;
      if (codec) view.audioCodec = codec.mimeType.replace(/^audio\//, '');
    }
  }
  for (const s of byType(report, 'outbound-rtp')) {
    sample.tx += (s.bytesSent || 0) + (s.headerBytesSent || 0);
    const codec = get(s.codecId);
    if (s.kind === 'video') {
      view.fps = s.framesPerSecond ?? view.fps;
      view.width = s.frameWidth ?? view.width;
      view.height = s.frameHeight ?? view.height;
      view.framesEncoded = s.framesEncoded ?? 0;
      view.videoPackets = s.packetsSent ?? 0;
      if (codec) view.videoCodec = codec.mimeType.replace(/^video\//, '');
    } else if (s.kind === 'audio') {
      view.audioPackets = s.packetsSent ?? 0;
      if (codec) view.audioCodec = codec.mimeType.replace(/^audio\//, '');
    }
  }
  // What the gateway reports losing of ours (RTCP receiver reports).
  for (const s of byType(report, 'remote-inbound-rtp')) {
    if (s.packetsLost !== undefined) {
      lost += Math.max(0, s.packetsLost);
      haveLost = true;
    }
    if (s.roundTripTime !== undefined && view.rttMs === null) {
      view.rttMs = s.roundTripTime * 1000;
    }
  }
  if (haveLost) view.lost = lost;
  for (const t of byType(report, 'transport')) {
    view.dtlsState = t.dtlsState ?? null;
    // "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" → "ECDHE_ECDSA_AES_128_GCM_SHA256"
    view.dtls = t.dtlsCipher
      ? t.dtlsCipher.replace(/^TLS_/, '').replace('_WITH_', '_') : null;
    // "SRTP_AES128_CM_HMAC_SHA1_80" (Chromium) → "AES128_CM_HMAC_SHA1_80"
    view.srtp = t.srtpCipher ? t.srtpCipher.replace(/^SRTP_/, '') : null;
    if (t.tlsVersion) {
      view.tls = { FEFD: 'DTLS 1.2', FEFC: 'DTLS 1.3' }[t.tlsVersion] ||
        t.tlsVersion;
    }
    const pair = get(t.selectedCandidatePairId);
    if (pair) {
      view.pairId = pair.id;
      const l = get(pair.localCandidateId);
      const r = get(pair.remoteCandidateId);
      view.path = `${fmtAddr(l)} ⇄ ${fmtAddr(r)}`;
      view.protocol = l ? l.protocol : null;
      view.localUfrag = l ? l.usernameFragment ?? null : null;
      if (pair.currentRoundTripTime !== undefined) {
        view.rttMs = pair.currentRoundTripTime * 1000;
      }
    }
  }
  if (prev) {
    const ms = now - prev.at;
    view.inKbps = kbps(sample.rx, prev.rx, ms);
    view.outKbps = kbps(sample.tx, prev.tx, ms);
  }
  return { view, sample };
}

// The number for display: "1.23 Mbit/s", "850 kbit/s".
export function fmtRate(kbit) {
  if (kbit === null || kbit === undefined || !isFinite(kbit)) return '–';
  if (kbit >= 1000) return `${(kbit / 1000).toFixed(2)} Mbit/s`;
  return `${Math.round(kbit)} kbit/s`;
}

export function fmtCount(n) {
  if (n === null || n === undefined) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
