// Scenario `relay` (issue 14): a WebSocket-to-TCP relay, wsbridge --tcp against websockify, both relaying to the
// same local TCP target (relay-target.mjs, a separate Node process started for each run). The relay servers
// come from their own templates (--relay-server, --relay-baseline; {port} and {target} = HOST:PORT): the server
// under test's column holds wsbridge --tcp, the baseline's column websockify. Clients offer the `binary`
// subprotocol; nothing is encrypted.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { m } from './metrics.mjs';
import { treeUsage } from './procfs.mjs';
import { now, percentile, pool, sleep } from './wsclient.mjs';

const TARGET_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'relay-target.mjs');
const PROTOCOLS = ['binary'];
// frames from the client are masked with a zero key: the servers still unmask every byte, the client does not
// spend its CPU on it (it shares the 2 cores with the servers)
const CLIENT_OPTIONS = { generateMask: (mask) => mask.fill(0) };

/** Target processes running, ended by PID if the bench exits in the middle of a run. */
const targets = new Set();
process.on('exit', () => { for (const t of targets) { try { process.kill(t.pid, 'SIGKILL'); } catch { /* gone */ } } });

/** Starts relay-target.mjs; resolves with { port, stop() } once it listens (10 s at most). */
function startTarget() {
  const child = spawn(process.execPath, [TARGET_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  targets.add(child);
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { targets.delete(child); resolve(); return; }
    const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 2000);
    child.once('exit', () => { clearTimeout(timer); targets.delete(child); resolve(); });
    child.stdin.end();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { stop(); reject(new Error('relay target: no port within 10 s')); }, 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const mm = /^port (\d+)$/m.exec(out);
      if (mm) { clearTimeout(timer); resolve({ port: Number(mm[1]), stop }); }
    });
    child.once('exit', (code, sig) => { clearTimeout(timer); targets.delete(child); reject(new Error(`relay target exited (${code ?? sig})`)); });
  });
}

/**
 * The bytes a relay delivers, whatever the framing (a TCP relay may split or join the target's writes):
 * take(n) resolves with the next n bytes, skip(n) once n more bytes arrived (without keeping them).
 * Both fail when the connection closes or stays quiet for quietMs.
 */
class ByteReader {
  constructor(ws, quietMs) {
    this.quietMs = quietMs;
    this.chunks = [];
    this.have = 0;
    this.skipLeft = 0;
    this.waiter = null;
    this.closed = null;
    ws.on('message', (data) => {
      let d = data;
      if (this.skipLeft > 0) {
        const used = Math.min(this.skipLeft, d.length);
        this.skipLeft -= used;
        d = d.subarray(used);
      }
      if (d.length) { this.chunks.push(d); this.have += d.length; }
      this.#check(true);
    });
    ws.on('close', (code) => { this.closed = code; this.#check(false); });
  }

  #check(progress) {
    const w = this.waiter;
    if (!w) return;
    if (w.done()) { this.waiter = null; clearTimeout(w.timer); w.resolve(); }
    else if (this.closed !== null) { this.waiter = null; clearTimeout(w.timer); w.reject(new Error(`closed (code ${this.closed}) ${w.what()}`)); }
    else if (progress) w.timer.refresh();
  }

  #wait(done, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = null; reject(new Error(`quiet for ${this.quietMs} ms ${what()}`)); }, this.quietMs);
      this.waiter = { done, what, resolve, reject, timer };
      this.#check(false);
    });
  }

  async take(n) {
    await this.#wait(() => this.have >= n, () => `with ${this.have}/${n} bytes`);
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    return all.subarray(0, n);
  }

  async skip(n) {
    const fromBuffer = Math.min(n, this.have);
    if (fromBuffer) await this.take(fromBuffer);
    this.skipLeft = n - fromBuffer;
    await this.#wait(() => this.skipLeft === 0, () => `with ${n - this.skipLeft}/${n} bytes`);
  }
}

/** Sends n bytes as binary messages of chunk.length bytes, at most `window` of them not yet written to the socket. */
function sendBulk(ws, n, chunk, window = 8) {
  return new Promise((resolve, reject) => {
    let sent = 0, inflight = 0, failed = false;
    const pump = () => {
      while (!failed && sent < n && inflight < window) {
        const piece = n - sent >= chunk.length ? chunk : chunk.subarray(0, n - sent);
        sent += piece.length;
        inflight++;
        ws.send(piece, { binary: true }, (err) => {
          inflight--;
          if (err) { if (!failed) { failed = true; reject(err); } return; }
          pump();
        });
      }
      if (!failed && sent >= n && inflight === 0) resolve();
    };
    pump();
  });
}

async function openRelay(ctx, url, mode) {
  const ws = await ctx.tracker.open(url, PROTOCOLS, CLIENT_OPTIONS);
  const reader = new ByteReader(ws, ctx.cfg.connTimeoutMs);
  if (ws.protocol !== 'binary') throw new Error(`subprotocol '${ws.protocol}' chosen, not 'binary'`);
  ws.send(Buffer.from(`${mode}\n`), { binary: true });
  return { ws, reader };
}

/** Bulk both ways and small round trips, on one fresh relay server. */
async function throughputAndRtt(ctx, server) {
  const { relayBulkMb, relayChunk, relayRttN, relayRttSize, relayRttWarmup } = ctx.cfg;
  const bytes = relayBulkMb * 1048576;
  let errors = 0;
  await ctx.withServer(null, 'relay', async (info) => {
    // an unmeasured transfer each way first: the steady state, not a fresh JVM's first seconds
    for (const mode of ctx.cfg.relayWarmupMb > 0 ? ['sink', 'source'] : []) {
      const warm = ctx.cfg.relayWarmupMb * 1048576;
      try {
        const { ws, reader } = await openRelay(ctx, server.url, `${mode} ${warm}`);
        if (mode === 'sink') { await sendBulk(ws, warm, Buffer.alloc(relayChunk, 'warm-up.')); await reader.take(5); }
        else await reader.skip(warm);
        ws.terminate();
      } catch (e) { errors++; ctx.note(`relay warm-up ${mode}: ${e.message}`); }
    }
    const cpu0 = treeUsage(info.pid).cpuS;
    let cpu = 0;
    // client → target: the target answers "done" once it has read every byte
    try {
      const { ws, reader } = await openRelay(ctx, server.url, `sink ${bytes}`);
      const chunk = Buffer.alloc(relayChunk, 'client-to-target.');
      const t0 = now();
      await sendBulk(ws, bytes, chunk);
      const done = await reader.take(5);
      if (done.toString() !== 'done\n') throw new Error(`target answered ${JSON.stringify(done.toString())}`);
      ctx.rec('relay.up_mb_per_s', bytes / 1e6 / ((now() - t0) / 1000));
      cpu += treeUsage(info.pid).cpuS - cpu0; // before closing: a forking relay's child still counts
      ws.terminate();
    } catch (e) { errors++; ctx.rec('relay.up_mb_per_s', NaN); ctx.note(`relay up: ${e.message}`); }
    // target → client
    try {
      const { ws, reader } = await openRelay(ctx, server.url, `source ${bytes}`);
      const c1 = treeUsage(info.pid).cpuS;
      const t0 = now();
      await reader.skip(bytes);
      ctx.rec('relay.down_mb_per_s', bytes / 1e6 / ((now() - t0) / 1000));
      cpu += treeUsage(info.pid).cpuS - c1;
      ws.terminate();
    } catch (e) { errors++; ctx.rec('relay.down_mb_per_s', NaN); ctx.note(`relay down: ${e.message}`); }
    ctx.rec('relay.bulk_cpu_s', cpu);
    // round trips of small messages through the target's echo
    try {
      const { ws, reader } = await openRelay(ctx, server.url, 'echo');
      const payloads = Array.from({ length: 100 }, (_, i) => Buffer.from(`r${i}:`.padEnd(relayRttSize, '.')));
      const samples = [];
      for (let i = 0; i < relayRttN + relayRttWarmup; i++) {
        const p = payloads[i % payloads.length];
        const t = process.hrtime.bigint();
        ws.send(p, { binary: true });
        const got = await reader.take(p.length);
        const us = Number(process.hrtime.bigint() - t) / 1000;
        if (!p.equals(got)) { errors++; break; }
        if (i >= relayRttWarmup) samples.push(us);
      }
      samples.sort((a, b) => a - b);
      ctx.rec('relay.p50_us', percentile(samples, 50));
      ctx.rec('relay.p99_us', percentile(samples, 99));
      errors += relayRttN - samples.length;
      ws.terminate();
    } catch (e) { errors++; ctx.rec('relay.p50_us', NaN); ctx.rec('relay.p99_us', NaN); ctx.note(`relay rtt: ${e.message}`); }
  }, { server });
  ctx.rec('relay.errors', errors);
}

/** n relays open at once, each proven with one echo through the target; memory of the server's process tree. */
async function concurrent(ctx, server, n) {
  const p = `relay.n${n}`;
  await ctx.withServer(null, `relay-${n}`, async (info) => {
    await sleep(500);
    const base = treeUsage(info.pid);
    const t0 = now();
    const open = [];
    let openErrors = 0, echoErrors = 0, firstError = '';
    await pool(n, ctx.cfg.idleInflight, async (i) => {
      try {
        const r = await openRelay(ctx, server.url, 'echo');
        open.push(r);
        r.index = i;
      } catch (e) { openErrors++; firstError ||= e.message; }
    });
    const openS = (now() - t0) / 1000;
    await Promise.all(open.map(async (r) => {
      const msg = Buffer.from(`hi ${r.index}`);
      r.ws.send(msg, { binary: true });
      try {
        if (!msg.equals(await r.reader.take(msg.length))) throw new Error('wrong echo');
      } catch (e) { echoErrors++; firstError ||= e.message; }
    }));
    const readyS = (now() - t0) / 1000;
    await sleep(ctx.cfg.idleSettleMs);
    const u = treeUsage(info.pid);
    ctx.rec(`${p}.open_s`, openS);
    ctx.rec(`${p}.ready_s`, readyS);
    ctx.rec(`${p}.rss_mb`, u.rssKb / 1024);
    ctx.rec(`${p}.rss_kb_per_conn`, (u.rssKb - base.rssKb) / Math.max(1, open.length));
    ctx.rec(`${p}.pss_kb_per_conn`, (u.pssKb - base.pssKb) / Math.max(1, open.length));
    ctx.rec(`${p}.procs`, u.procs);
    ctx.rec(`${p}.errors`, openErrors + echoErrors);
    if (openErrors || echoErrors) ctx.note(`relay ${n}: ${openErrors} failed handshakes, ${echoErrors} without an echo (first: ${firstError})`);
    for (const r of open) r.ws.close(1000);
    await sleep(500);
  }, { server });
}

async function run(ctx) {
  const template = ctx.srv.role === 'subject' ? ctx.templates.relayServer : ctx.templates.relayBaseline;
  if (!template) {
    ctx.note(`relay: no ${ctx.srv.role === 'subject' ? '--relay-server' : '--relay-baseline'} template given`);
    return;
  }
  const target = await startTarget();
  try {
    const server = ctx.newServer({
      name: `relay-${path.basename(template.trim().split(/\s+/)[0])}`, role: ctx.srv.role,
      template: template.replaceAll('{target}', `127.0.0.1:${target.port}`),
    });
    await throughputAndRtt(ctx, server);
    for (const n of ctx.cfg.relayConns) {
      await sleep(ctx.cfg.pauseMs);
      await concurrent(ctx, server, n);
    }
  } finally {
    await target.stop();
  }
}

export default {
  name: 'relay',
  title: 'wsbridge --tcp (--relay-server) in the first column, websockify (--relay-baseline) in the second',
  config: (env) => ({
    relayBulkMb: env.int('RELAY_BULK_MB', 256, 64),
    relayChunk: env.int('RELAY_CHUNK', 65536, 65536),
    relayWarmupMb: env.int('RELAY_WARMUP_MB', 32, 16),
    relayRttN: env.int('RELAY_RTT_N', 5000, 2000),
    relayRttSize: env.int('RELAY_RTT_SIZE', 32, 32),
    relayRttWarmup: env.int('RELAY_RTT_WARMUP', 1000, 1000),
    relayConns: env.list('RELAY_CONNS', [1000], [1000]),
  }),
  metrics: (cfg) => [
    m('relay.up_mb_per_s', `bulk client → target (${cfg.relayBulkMb} MiB, ${cfg.relayChunk / 1024} KiB messages)`, 'MB/s', 'higher'),
    m('relay.down_mb_per_s', `bulk target → client (${cfg.relayBulkMb} MiB)`, 'MB/s', 'higher'),
    m('relay.bulk_cpu_s', 'server CPU for both transfers (process tree)', 's', 'lower'),
    m('relay.p50_us', `round trip p50 (${cfg.relayRttSize} B through the target's echo)`, 'µs', 'lower'),
    m('relay.p99_us', 'round trip p99', 'µs', 'lower'),
    m('relay.errors', 'failed transfers, wrong or missing echoes', 'count', 'lower', { equals: 0 }),
    ...cfg.relayConns.flatMap((n) => [
      m(`relay.n${n}.open_s`, `${n} relays: time to open all (${cfg.idleInflight} in flight)`, 's', 'lower'),
      m(`relay.n${n}.ready_s`, `${n} relays: time until all echoed through the target`, 's', 'lower'),
      m(`relay.n${n}.rss_mb`, `${n} relays: RSS of the server's process tree`, 'MB', 'lower'),
      m(`relay.n${n}.rss_kb_per_conn`, `${n} relays: tree RSS growth per relay`, 'kB', 'lower'),
      m(`relay.n${n}.pss_kb_per_conn`, `${n} relays: tree PSS growth per relay`, 'kB', 'lower'),
      m(`relay.n${n}.procs`, `${n} relays: server processes`, 'procs', 'info'),
      m(`relay.n${n}.errors`, `${n} relays: relays that failed`, 'count', 'lower', { equals: 0 }),
    ]),
  ],
  deadlineMs: (cfg) => 120000 + cfg.relayConns.reduce((s, n) => s + 100 * n, 0) + 200 * cfg.relayBulkMb,
  run,
};
