#!/usr/bin/env node
// make bench, fan-out row: one program shared by the N clients of one room (--rooms): lines/s delivered to the
// clients, the server's CPU, and the latency from the program's write to the last client that gets the line.
// Its own file, beside bench.mjs: usage  node bench/fanout.mjs [--server TEMPLATE] [--out DIR]
// Sizes: BENCH_FANOUT_CLIENTS (1000), BENCH_FANOUT_LINES (2000, the burst), BENCH_FANOUT_RATE (500 lines/s) and
// BENCH_FANOUT_SECONDS (5) for the paced latency run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

const env = (name, dflt) => Number(process.env[name] || dflt);
const CLIENTS = env('BENCH_FANOUT_CLIENTS', 1000);
const LINES = env('BENCH_FANOUT_LINES', 2000);
const RATE = env('BENCH_FANOUT_RATE', 500);
const SECONDS = env('BENCH_FANOUT_SECONDS', 5);
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const TEMPLATE = opt('--server', 'target/wsbridge --address=127.0.0.1 --port={port} {prog}');
const OUT = opt('--out', 'target/bench');

// The room's program, in Node for a clock comparable with ours (both read CLOCK_MONOTONIC through hrtime):
// "burst N" writes N stamped lines at once, "paced R S" R lines a second for S seconds; each run ends with "end".
const PROGRAM = `#!/usr/bin/env node
const readline = require('node:readline');
const out = (s) => process.stdout.write(s);
const stamp = (kind, i) => kind + ' ' + i + ' ' + process.hrtime.bigint() + ' ' + 'x'.repeat(40) + '\\n';
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.split(' ');
  if (cmd === 'burst') {
    let chunk = '';
    for (let i = 0; i < +a; i++) { chunk += stamp('b', i); if (chunk.length > 60000) { out(chunk); chunk = ''; } }
    out(chunk + 'end\\n');
  } else if (cmd === 'paced') {
    let i = 0; const total = +a * +b;
    const timer = setInterval(() => { out(stamp('p', i++)); if (i >= total) { clearInterval(timer); out('end\\n'); } },
      1000 / +a);
  }
});
`;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => process.hrtime.bigint();
const cpuTicks = (pid) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (USER_HZ, 100 on Linux)
};
const percentile = (values, p) => {
  const s = [...values].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] : NaN;
};

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-'));
  const prog = path.join(dir, 'stamper.js');
  fs.writeFileSync(prog, PROGRAM, { mode: 0o755 });
  const port = await freePort();
  const command = TEMPLATE.replace('{port}', port).replace('{prog}', `--rooms --maxforks=0 ${prog}`);
  const server = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(OUT, 'fanout-server.log'));
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  try {
    await waitForPort(port);
    const clients = await connectAll(port);
    const burst = await run(clients, `burst ${LINES}`, server.pid);
    const paced = await run(clients, `paced ${RATE} ${SECONDS}`, server.pid);
    const result = {
      clients: CLIENTS,
      burst: { lines: LINES, seconds: burst.seconds, deliveredPerSecond: Math.round(burst.delivered / burst.seconds),
        linesPerSecond: Math.round(LINES / burst.seconds), missing: CLIENTS * LINES - burst.delivered,
        serverCpu: burst.cpu, p99Ms: burst.p99 },
      paced: { rate: RATE, seconds: SECONDS, p50Ms: paced.p50, p99Ms: paced.p99, serverCpu: paced.cpu,
        missing: CLIENTS * RATE * SECONDS - paced.delivered },
    };
    fs.writeFileSync(path.join(OUT, 'fanout.json'), JSON.stringify(result, null, 2));
    console.log(`# fan-out: one program, ${CLIENTS} clients in one room (--rooms), ${os.cpus().length} cores`);
    console.log('metric                                      value');
    console.log(`burst: lines/s written by the program       ${result.burst.linesPerSecond}`);
    console.log(`burst: messages/s delivered (all clients)   ${result.burst.deliveredPerSecond}`);
    console.log(`burst: server CPU (cores)                   ${result.burst.serverCpu.toFixed(2)}`);
    console.log(`burst: p99 write -> last client (ms)        ${result.burst.p99Ms.toFixed(1)}`);
    console.log(`burst: lines missing (dropped for slow)     ${result.burst.missing}`);
    console.log(`paced ${RATE}/s: p50 write -> last client (ms) ${result.paced.p50Ms.toFixed(2)}`);
    console.log(`paced ${RATE}/s: p99 write -> last client (ms) ${result.paced.p99Ms.toFixed(2)}`);
    console.log(`paced ${RATE}/s: server CPU (cores)          ${result.paced.serverCpu.toFixed(2)}`);
    console.log(`paced: lines missing                        ${result.paced.missing}`);
    clients.forEach((c) => c.terminate());
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await sleep(100);
  }
  throw new Error('the server did not listen');
}

async function connectAll(port) {
  const clients = [];
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(CLIENTS, i + 50); j++) {
      batch.push(new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/fan`);
        ws.on('open', () => resolve(ws));
        ws.on('error', reject);
      }));
    }
    clients.push(...await Promise.all(batch));
  }
  await sleep(500); // let the last joins reach the room before the first line
  return clients;
}

/** One command to the program; every client counts its lines until "end"; latency per line is the last client's. */
async function run(clients, commandLine, pid) {
  const last = new Map(); // line number -> latest arrival minus its stamp, in ns
  let delivered = 0;
  let ended = 0;
  let done;
  const finished = new Promise((r) => { done = r; });
  for (const ws of clients) {
    ws.removeAllListeners('message');
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === 'end') { if (++ended === clients.length) done(); return; }
      const [, i, stamp] = text.split(' ');
      const latency = Number(now() - BigInt(stamp));
      delivered++;
      if (!(last.get(i) >= latency)) last.set(i, latency);
    });
  }
  const cpu0 = cpuTicks(pid);
  const t0 = now();
  clients[0].send(commandLine);
  await Promise.race([finished, sleep(120_000)]);
  const seconds = Number(now() - t0) / 1e9;
  const cpu = (cpuTicks(pid) - cpu0) / 100 / seconds;
  const ms = [...last.values()].map((ns) => ns / 1e6);
  return { delivered, seconds, cpu, p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

main().catch((e) => { console.error(`fanout: ${e.stack || e}`); process.exit(1); });
