// make bench-bus: what --bus costs. Two wsbridge instances share room "bench" through a real redis-server; the
// room's program runs on instance A. A sender on A writes timestamped lines that the program echoes; a client on A
// (same instance as the program) and one on B (over Redis) receive each. Reports, per client, p50/p99 latency from
// the send to the receipt, the difference (what the hop through Redis adds), and lines/s of a flood of lines from
// the program as received on each instance. Needs redis-server and the built launcher; prints a small table.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const launcher = process.env.BENCH_LAUNCHER || path.join(root, 'target', 'wsbridge');
const redisServer = process.env.BENCH_REDIS || '/usr/bin/redis-server';
const ROUNDS = Number(process.env.BENCH_BUS_ROUNDS || 2000);
const FLOOD = Number(process.env.BENCH_BUS_FLOOD || 100000);
const children = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts a process and resolves once a line of its output matches `ready` (bounded by 30 s). */
function start(cmd, args, ready) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(p);
    let out = '';
    p.output = () => out;
    const timer = setTimeout(() => reject(new Error(`${cmd} not ready in 30 s:\n${out}`)), 30000);
    const look = (d) => {
      out += d;
      const m = out.match(ready);
      if (m) { clearTimeout(timer); resolve({ p, m }); }
    };
    p.stdout.on('data', look);
    p.stderr.on('data', look);
    p.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${cmd} exited ${code}:\n${out}`)); });
  });
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves when `ws` has received a message for which `match` is true. */
function until(ws, match, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { ws.off('message', on); reject(new Error('timed out waiting on ' + (ws.url || ''))); }, timeoutMs);
    const on = (data) => {
      if (match(data.toString())) { clearTimeout(timer); ws.off('message', on); resolve(); }
    };
    ws.on('message', on);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const redisPort = await freePort();
  await start(redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /Ready to accept connections/);
  const bus = `--bus=redis://127.0.0.1:${redisPort}/0?prefix=bench:`;
  const instance = async () => {
    const { m } = await start(launcher, ['--port=0', '--address=127.0.0.1', '--rooms', bus,
      path.join(here, 'room.sh')], /ws:\/\/127\.0\.0\.1:(\d+)\//);
    return Number(m[1]);
  };
  const portA = await instance();
  const portB = await instance();
  const sender = await connect(`ws://127.0.0.1:${portA}/bench`);
  const onA = await connect(`ws://127.0.0.1:${portA}/bench`);
  const onB = await connect(`ws://127.0.0.1:${portB}/bench`);
  await sleep(500); // the joins settle (this is a measurement, not a test)

  const lat = { A: [], B: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const tag = `ping ${i}`;
    const a = until(onA, (t) => t === tag, 20000).then(() => lat.A.push(performance.now() - t0),
      (e) => { throw new Error(`${tag}: ${e.message}`); });
    const b = until(onB, (t) => t === tag, 20000).then(() => lat.B.push(performance.now() - t0),
      (e) => { throw new Error(`${tag}: ${e.message}`); });
    sender.send(tag);
    await Promise.all([a, b]);
  }
  // A room never waits for a slow client (--slowclient=drop): count what arrives, until "flooded" or 3 s of quiet.
  const flood = {};
  const t0 = performance.now();
  const receive = (name, ws) => new Promise((resolve) => {
    let count = 0;
    let last = t0;
    let quiet;
    const finish = () => { ws.off('message', on); clearTimeout(quiet); flood[name] = { count, ms: last - t0 }; resolve(); };
    const on = (data) => {
      last = performance.now();
      const t = data.toString();
      if (t === 'flooded') return finish();
      if (t.startsWith('line ')) count++;
      clearTimeout(quiet);
      quiet = setTimeout(finish, 3000);
    };
    ws.on('message', on);
  });
  const doneA = receive('A', onA);
  const doneB = receive('B', onB);
  sender.send(`flood ${FLOOD}`);
  await Promise.all([doneA, doneB]);

  const row = (name, values, f) => {
    const s = [...values].sort((x, y) => x - y);
    return `| ${name} | ${pct(s, 50).toFixed(3)} | ${pct(s, 99).toFixed(3)} | ${Math.round(f.count / (f.ms / 1000))} `
      + `| ${f.count} |`;
  };
  const added = lat.B.map((v, i) => v - lat.A[i]).sort((x, y) => x - y);
  console.log(`# --bus over a local redis-server, ${ROUNDS} echo rounds, a flood of ${FLOOD} lines`);
  console.log('| client | p50 ms | p99 ms | flood lines/s | flood lines received |');
  console.log('|---|---|---|---|---|');
  console.log(row('on the program\'s instance (A)', lat.A, flood.A));
  console.log(row('on the other instance (B, through Redis)', lat.B, flood.B));
  console.log(`| added by the bus (B - A, per line) | ${pct(added, 50).toFixed(3)} | ${pct(added, 99).toFixed(3)} | | |`);
  for (const ws of [sender, onA, onB]) ws.close();
}

function stopChildren() {
  for (const p of children.reverse()) if (p.exitCode === null) p.kill('SIGTERM');
}

main().then(() => { stopChildren(); }, (e) => {
  console.error(`bench-bus: ${e.message}`);
  for (const p of children) console.error(`--- ${p.spawnargs[0]}:\n${p.output().split('\n').slice(-15).join('\n')}`);
  stopChildren();
  process.exitCode = 1;
});
