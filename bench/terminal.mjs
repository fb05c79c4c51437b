#!/usr/bin/env node
// `make bench-terminal`: what --pty costs. Output throughput (`seq 1 1000000` through the terminal) and the
// keystroke round trip (a byte to a program in raw mode and back), each beside the same program through pipes.
// ttyd, the usual tool for this job, is not packaged in Debian 12 (`apt-cache policy ttyd`: no candidate), so the
// pipes are the comparison. Writes target/bench/terminal.json beside the table it prints.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, stopAll } from './lib/server.mjs';
import { WebSocket, WS_OPTIONS, now } from './lib/wsclient.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const BIN = args.bin ?? path.join(ROOT, 'target/wsbridge');
const OUT = path.resolve(ROOT, args.out ?? 'target/bench');
const RUNS = Number(args.runs ?? 3);
const KEYS = Number(args.keys ?? 2000);
const TIMEOUT_MS = 120000;

function server(name, tail) {
  return new Server({ name, logDir: OUT, template: `${BIN} --address=127.0.0.1 --port={port} {flags} {prog} ${tail}` });
}

/** Connects, reads everything until the close; resolves with { bytes, messages, ms, code }. */
function drain(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, WS_OPTIONS);
    let t0 = 0; let bytes = 0; let messages = 0;
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('drain: timed out')); }, TIMEOUT_MS);
    ws.on('open', () => { t0 = now(); });
    ws.on('message', (data) => { bytes += data.length; messages++; });
    ws.on('close', (code) => { clearTimeout(timer); resolve({ bytes, messages, ms: now() - t0, code }); });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

async function throughput(name, flags) {
  const s = server(name, '1 1000000');
  const runs = [];
  try {
    await s.start('seq', { label: 'seq', flags });
    for (let i = 0; i < RUNS; i++) runs.push(await drain(s.url));
  } finally {
    await s.stop();
  }
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  return { name, flags, bytes: best.bytes, messages: best.messages, ms: best.ms, mbPerS: best.bytes / 1e6 / (best.ms / 1000) };
}

/** Sends one byte at a time and waits for it to come back; resolves with sorted round trips in ms. */
function keystrokes(url, binary) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, WS_OPTIONS);
    const samples = []; let sentAt = 0; let pending = ''; let n = 0;
    const warmup = 100;
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('keystrokes: timed out')); }, TIMEOUT_MS);
    const key = () => { sentAt = now(); ws.send(binary ? Buffer.from('k') : 'k'); };
    ws.on('open', () => setTimeout(key, 300)); // let the program set its terminal mode first
    ws.on('message', (data) => {
      pending += data.toString();
      if (!pending.includes('k')) return;
      pending = '';
      if (n++ >= warmup) samples.push(now() - sentAt);
      if (samples.length < KEYS) { key(); return; }
      clearTimeout(timer);
      ws.close(1000);
      resolve(samples.sort((a, b) => a - b));
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

async function roundTrip(name, flags, prog, tail, binary) {
  const s = server(name, tail);
  try {
    await s.start(prog, { label: 'keys', flags });
    const samples = await keystrokes(s.url, binary);
    const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    return { name, flags, keys: samples.length, p50Ms: at(0.5), p99Ms: at(0.99) };
  } finally {
    await s.stop();
  }
}

fs.mkdirSync(OUT, { recursive: true });
try {
  const out = [
    await throughput('pty text', '--pty'),
    await throughput('pty binary', '--pty --binary'),
    await throughput('pipes binary', '--binary'),
    await throughput('pipes text (a message per line)', ''),
  ];
  const rtt = [
    await roundTrip('pty (raw mode)', '--pty', 'sh', "-c 'stty raw -echo; exec cat'", false),
    await roundTrip('pipes (--binary cat)', '--binary', 'cat', '', true),
  ];
  console.log(`seq 1 1000000, best of ${RUNS} (open to close):`);
  for (const r of out) {
    console.log(`  ${r.name.padEnd(34)} ${(r.bytes / 1e6).toFixed(2)} MB in ${String(r.messages).padStart(7)} messages,`
      + ` ${r.ms.toFixed(0).padStart(5)} ms, ${r.mbPerS.toFixed(1)} MB/s`);
  }
  console.log(`keystroke round trip, ${KEYS} keys one after another:`);
  for (const r of rtt) {
    console.log(`  ${r.name.padEnd(34)} p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms`);
  }
  console.log('ttyd: not packaged in Debian 12, not measured');
  fs.writeFileSync(path.join(OUT, 'terminal.json'), JSON.stringify({ throughput: out, roundTrip: rtt }, null, 2));
} finally {
  await stopAll();
}
