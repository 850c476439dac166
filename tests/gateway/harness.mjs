// SPDX-License-Identifier: BSD-2-Clause
// What the gateway's node tests (gst-publish.mjs, http.mjs, republish.mjs,
// loss.mjs) share: their
// arguments, one line per check ("ok N - ..." / "not ok N - ..."), polling
// a page or a function until a condition holds (the timeouts are safety
// nets, never measured figures), and headless Chromium with the flags
// tests/gateway/browser.mjs uses (exit 77 when it or playwright-core is
// missing).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const SKIP = 77;

// --name value pairs into the keys of defaults; '' defaults are required.
export function parseArgs(defaults, usage) {
  const a = { ...defaults };
  const v = process.argv.slice(2);
  const die = (why) => {
    console.error(`usage: node ${usage} (${why})`);
    process.exit(2);
  };
  for (let i = 0; i < v.length; i++) {
    const k = v[i].replace(/^--/, '');
    if (!(k in a) || i + 1 >= v.length) die(`bad argument ${v[i]}`);
    a[k] = v[++i];
  }
  for (const [k, val] of Object.entries(a)) {
    if (val === '') die(`--${k} is needed`);
  }
  if (a.gateway) a.gateway = a.gateway.replace(/\/+$/, '');
  return a;
}

// ---- reporting ---------------------------------------------------------

let nchecks = 0;
let nfailed = 0;

export function check(ok, what, detail = '') {
  nchecks++;
  if (!ok) nfailed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${nchecks} - ${what}` +
    (detail ? ` (${detail})` : ''));
  return ok;
}

export class Fatal extends Error {}

// A check the rest cannot do without.
export function must(ok, what, detail) {
  if (!check(ok, what, detail)) throw new Fatal(what);
}

export function note(text) {
  console.log(`# ${text}`);
}

export const failures = () => nfailed;

// The exit status: 0 if every check passed (and there was one).
export function summary() {
  console.log(`# ${nchecks} checks, ${nfailed} failed`);
  return nfailed || !nchecks ? 1 : 0;
}

export function watchdog(ms) {
  const t = setTimeout(() => {
    check(false, `the run finishes within ${ms / 1000} s (safety net)`);
    process.exit(summary() || 1);
  }, ms);
  return () => clearTimeout(t);
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Call fn() until pred(value) holds; { v, ok } with the last value.
export async function until(fn, pred, timeoutMs, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return { v, ok: true };
    if (Date.now() > end) return { v, ok: false };
    await sleep(everyMs);
  }
}

// ---- Chromium ----------------------------------------------------------

// playwright-core's chromium, or exit 77 saying what is missing.
export function chromiumOrSkip() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skip: ${CHROMIUM} is not installed`);
    process.exit(SKIP);
  }
  try {
    const req = createRequire(path.join(root, 'tests', 'interop', 'node',
      'package.json'));
    return req('playwright-core').chromium;
  } catch (e) {
    console.log('skip: playwright-core not found in tests/interop/node ' +
      `(npm ci there): ${e.message.split('\n')[0]}`);
    process.exit(SKIP);
  }
  return null;
}

export function launch(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream', '--no-sandbox',
      '--allow-loopback-in-peer-connection'],
  });
}

// A page of the demo at url, once window.linerate is there; its errors
// (uncaught, console.error) are pushed on errors.
export async function openDemo(browser, name, url, errors) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${name}: console: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.linerate !== undefined, null,
    { timeout: 10000 });
  return page;
}

// page.evaluate that reports a rejection instead of throwing it.
export async function attempt(page, fn, arg) {
  try {
    return { ok: true, v: await page.evaluate(fn, arg), err: '' };
  } catch (e) {
    return { ok: false, v: null, err: e.message.split('\n')[0] };
  }
}

// In the page: what its RTCPeerConnection received, by getStats().
export async function mediaIn() {
  const r = { frames: 0, videoPackets: 0, audioPackets: 0, codecs: [],
    state: window.linerate.state().connectionState };
  const all = await window.linerate.stats();
  const codec = (id) => {
    const c = all.find((s) => s.id === id);
    return c ? c.mimeType : '';
  };
  for (const s of all) {
    if (s.type !== 'inbound-rtp') continue;
    if (s.kind === 'video') {
      r.frames = s.framesDecoded || 0;
      r.videoPackets = s.packetsReceived || 0;
    } else if (s.kind === 'audio') {
      r.audioPackets = s.packetsReceived || 0;
    }
    if (s.codecId) r.codecs.push(codec(s.codecId));
  }
  r.codecs.sort();
  return r;
}

// ---- the gateway -------------------------------------------------------

export async function gwStats(gateway) {
  const resp = await fetch(`${gateway}/stats`, { cache: 'no-store' });
  if (resp.status !== 200) throw new Error(`GET /stats: ${resp.status}`);
  return resp.json();
}

// One sample of /metrics, by its whole name with labels; -1 if absent.
export async function metric(gateway, name) {
  const t = await (await fetch(`${gateway}/metrics`)).text();
  const esc = name.replace(/[{}"=.]/g, (c) => `\\${c}`);
  const m = t.match(new RegExp(`^${esc} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : -1;
}

// A demo page in role ('publish', 'watch') on room, started at once.
export async function openRole(browser, gateway, role, room) {
  const p = await browser.newPage();
  await p.goto(`${gateway}/?role=${role}&room=${room}&autostart=1`);
  await p.waitForFunction(() => window.linerate !== undefined);
  return p;
}

// /stats names a session by the first 8 hex digits of its resource.
export const sid = (loc) =>
  new URL(loc, 'http://x').pathname.split('/').filter(Boolean).pop()
    .slice(0, 8);
