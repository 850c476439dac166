// SPDX-License-Identifier: BSD-2-Clause
// A checker of the Prometheus text exposition format (version 0.0.4), for
// the gateway's /metrics when promtool is not there and as a second
// opinion when it is: line syntax (names, labels and their escapes,
// values), one # TYPE per family and before its samples, a family's lines
// together, no series twice, counters not negative, and histograms whose
// buckets per series rise with le, never fall, end at le="+Inf" and agree
// with _count (with a _sum). parse(text) -> { samples, types, problems };
// value(samples, name, labels) reads one series.

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary',
  'untyped']);

function number(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

// name{a="b",c="d"} rest -> { name, labels, rest } or { error }.
function sampleLine(line) {
  let i = 0;
  while (i < line.length && !'{ \t'.includes(line[i])) i++;
  const name = line.slice(0, i);
  if (!NAME.test(name)) return { error: `bad metric name '${name}'` };
  const labels = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      if (line[i] === '}') break;
      const eq = line.indexOf('=', i);
      if (eq < 0) return { error: 'label without =' };
      const ln = line.slice(i, eq).trim();
      if (!LABEL.test(ln)) return { error: `bad label name '${ln}'` };
      if (ln in labels) return { error: `label ${ln} twice` };
      i = eq + 1;
      if (line[i] !== '"') return { error: `label ${ln}: value not quoted` };
      let v = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\') {
          const e = line[++i];
          if (e === 'n') v += '\n';
          else if (e === '\\' || e === '"') v += e;
          else return { error: `label ${ln}: bad escape \\${e}` };
        } else {
          v += line[i];
        }
      }
      if (line[i] !== '"') return { error: `label ${ln}: unterminated` };
      labels[ln] = v;
      i++;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') return { error: 'labels: , or } expected' };
    }
    i++;
  }
  return { name, labels, rest: line.slice(i) };
}

const key = (name, labels, skip) => name + JSON.stringify(Object.keys(labels)
  .filter((k) => k !== skip).sort().map((k) => [k, labels[k]]));

function family(name, types) {
  for (const suf of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suf.length);
    if (name.endsWith(suf) && ['histogram', 'summary'].includes(types[base]) &&
      !(suf === '_bucket' && types[base] === 'summary')) return base;
  }
  return name;
}

function histograms(samples, types, problems) {
  const series = new Map();
  for (const s of samples) {
    const f = family(s.name, types);
    if (types[f] !== 'histogram') continue;
    const k = key(f, s.labels, 'le');
    if (!series.has(k)) series.set(k, { f, buckets: [], count: null,
      sum: null });
    const h = series.get(k);
    if (s.name === `${f}_bucket`) {
      const le = number(s.labels.le ?? '');
      if (le === undefined || Number.isNaN(le)) {
        problems.push(`line ${s.line}: ${f}_bucket without a numeric le`);
      } else {
        h.buckets.push({ le, v: s.value, line: s.line });
      }
    } else if (s.name === `${f}_count`) {
      h.count = s.value;
    } else if (s.name === `${f}_sum`) {
      h.sum = s.value;
    }
  }
  for (const [k, h] of series) {
    const b = h.buckets;
    for (let i = 1; i < b.length; i++) {
      if (!(b[i].le > b[i - 1].le)) {
        problems.push(`line ${b[i].line}: ${h.f} buckets not in rising le`);
      }
      if (b[i].v < b[i - 1].v) {
        problems.push(`line ${b[i].line}: ${h.f} buckets not cumulative ` +
          `(${b[i - 1].v} then ${b[i].v})`);
      }
    }
    const last = b[b.length - 1];
    if (!last || last.le !== Infinity) {
      problems.push(`${k}: the last bucket is not le="+Inf"`);
    } else if (h.count === null || last.v !== h.count) {
      problems.push(`${k}: le="+Inf" bucket ${last.v} != _count ${h.count}`);
    }
    if (h.sum === null) problems.push(`${k}: no _sum`);
  }
}

export function parse(text) {
  const problems = [];
  const types = {};
  const helps = {};
  const samples = [];
  const seen = new Set();
  const done = new Set(); // families whose lines have ended
  let current = null;
  const enter = (f, n) => {
    if (f === current) return;
    if (done.has(f)) problems.push(`line ${n}: family ${f} is split`);
    if (current) done.add(current);
    current = f;
  };
  if (text && !text.endsWith('\n')) problems.push('no final newline');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (!line.trim()) return;
    if (line.startsWith('#')) {
      const m = line.match(/^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/);
      if (!m) return; // a plain comment
      const [, what, name, rest = ''] = m;
      if (!NAME.test(name)) problems.push(`line ${n}: bad name '${name}'`);
      enter(name, n);
      if (what === 'TYPE') {
        if (!TYPES.has(rest.trim())) {
          problems.push(`line ${n}: unknown type '${rest}'`);
        }
        if (name in types) problems.push(`line ${n}: second TYPE of ${name}`);
        if (samples.some((s) => family(s.name, types) === name)) {
          problems.push(`line ${n}: TYPE of ${name} after its samples`);
        }
        types[name] = rest.trim();
      } else {
        if (name in helps) problems.push(`line ${n}: second HELP of ${name}`);
        helps[name] = rest;
      }
      return;
    }
    const s = sampleLine(line);
    if (s.error) {
      problems.push(`line ${n}: ${s.error}`);
      return;
    }
    const parts = s.rest.trim().split(/[ \t]+/);
    const value = number(parts[0] || '');
    if (value === undefined || parts.length > 2 ||
      (parts[1] !== undefined && !/^-?\d+$/.test(parts[1]))) {
      problems.push(`line ${n}: bad value or timestamp '${s.rest.trim()}'`);
      return;
    }
    const f = family(s.name, types);
    enter(f, n);
    if (!(f in types)) problems.push(`line ${n}: ${s.name} has no # TYPE`);
    if (types[f] === 'counter' && !(value >= 0)) {
      problems.push(`line ${n}: counter ${s.name} is ${value}`);
    }
    const k = key(s.name, s.labels);
    if (seen.has(k)) problems.push(`line ${n}: ${k} twice`);
    seen.add(k);
    samples.push({ name: s.name, labels: s.labels, value, line: n });
  });
  histograms(samples, types, problems);
  return { samples, types, problems };
}

// The value of name{labels} (labels matched exactly), or undefined.
export function value(samples, name, labels = {}) {
  const k = key(name, labels);
  const s = samples.find((x) => key(x.name, x.labels) === k);
  return s ? s.value : undefined;
}
