// The WebSocket client side of the benchmark: opening connections through `ws`, bounded concurrency, and a
// tracker that can terminate every socket a scenario opened when it is aborted.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { RawWs } from './rawws.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'package.json'));

let WebSocketClass;
try {
  WebSocketClass = require('ws');
} catch (e) {
  console.error(`bench: cannot load 'ws' from bench/node_modules (run 'npm ci' in bench/, or 'make bench'): ${e.message}`);
  process.exit(2);
}
export const WebSocket = WebSocketClass;

/** Client options for every connection: no compression (it would change what is measured), bounded waits. */
export const WS_OPTIONS = Object.freeze({
  perMessageDeflate: false,
  handshakeTimeout: 10000,
  closeTimeout: 5000,
  maxPayload: 64 * 1024 * 1024,
});

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

/** Remembers the sockets of one scenario run so that an abort (deadline, error) can end all of them. */
export class Tracker {
  constructor() { this.sockets = new Set(); this.raws = new Set(); }

  /** A new WebSocket to url (options added to WS_OPTIONS), tracked until it closes. */
  create(url, protocols = undefined, options = undefined) {
    const ws = new WebSocket(url, protocols, options ? { ...WS_OPTIONS, ...options } : WS_OPTIONS);
    this.sockets.add(ws);
    ws.once('close', () => this.sockets.delete(ws));
    return ws;
  }

  /** Resolves with an open WebSocket, or rejects with the handshake error. */
  open(url, protocols = undefined, options = undefined) {
    return new Promise((resolve, reject) => {
      const ws = this.create(url, protocols, options);
      const onError = (e) => { ws.removeListener('open', onOpen); reject(e); };
      const onOpen = () => { ws.removeListener('error', onError); ws.on('error', () => {}); resolve(ws); };
      ws.once('open', onOpen);
      ws.once('error', onError);
    });
  }

  /** Resolves with an open RawWs (rawws.mjs; extraHeaders: CRLF-terminated header lines), tracked until it closes. */
  async openRaw(url, extraHeaders = '') {
    const raw = await RawWs.connect(url, WS_OPTIONS.handshakeTimeout, extraHeaders);
    this.raws.add(raw);
    raw.socket.once('close', () => this.raws.delete(raw));
    return raw;
  }

  terminateAll() {
    for (const ws of this.sockets) ws.terminate();
    for (const raw of this.raws) raw.destroy();
    this.sockets.clear();
    this.raws.clear();
  }
}

/** Runs fn(i) for i in [0, n) with at most `limit` calls in flight; resolves with the results in order. */
export async function pool(n, limit, fn) {
  let next = 0;
  const results = new Array(n);
  async function worker() {
    while (next < n) {
      const i = next++;
      results[i] = await fn(i);
    }
  }
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, n)) }, worker));
  return results;
}

/** Resolves when ws closes, or after timeoutMs; resolves with { code, timedOut }. */
export function whenClosed(ws, timeoutMs) {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) { resolve({ code: null, timedOut: false }); return; }
    const timer = setTimeout(() => resolve({ code: null, timedOut: true }), timeoutMs);
    ws.once('close', (code) => { clearTimeout(timer); resolve({ code, timedOut: false }); });
  });
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 50);
}
