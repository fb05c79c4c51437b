#!/usr/bin/env node
// make bench: runs the benchmark scenarios against a server command template and, optionally, a baseline
// (websocketd), one fresh server per scenario, both servers in the same run, and prints one table with
// ratios. Usage: node bench/bench.mjs --help
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metricDefinitions, moduleConfig, modulePrograms, RUNNERS, SCENARIOS, scenarioDeadlineMs, scenarioTitles } from './lib/registry.mjs';
import { Server, killAllNow, stopAll } from './lib/server.mjs';
import { buildRows, formatTable, writeReports } from './lib/report.mjs';
import { Tracker, median, now, sleep } from './lib/wsclient.mjs';

const USAGE = `usage: node bench/bench.mjs --server TEMPLATE [--baseline TEMPLATE] [options] [SCENARIO...]

  --server T          the server under test, e.g. 'target/wsbridge --port={port} {prog}'
  --baseline T        the server to compare with, e.g. 'websocketd --port={port} {prog}'
  --name N            name of --server in the table (default: the command's file name)
  --baseline-name N   name of --baseline (default: the command's file name)
  --out DIR           where results.csv, results.json, report.html and logs/ go (default target/bench)
  --floor T           the start-up floor for the floor scenario: a bare Netty WebSocket server started by the
                      launcher of --server (make bench builds it in target/floor/)
  --relay-server T    the relay under test for the relay scenario, e.g. 'target/wsbridge --port={port} --tcp={target}'
                      ({target} becomes HOST:PORT of the bench's TCP target)
  --relay-baseline T  the relay to compare with, e.g. 'websockify 127.0.0.1:{port} {target}'
  --scale-flags F     flags for the idle-scale servers (default '--maxforks=0'); they replace {flags} in
                      the template, or go right before {prog} when the template has no {flags}
  -h, --help

Templates are run by bash in the current directory; {port} becomes a free port, {prog} the absolute,
shell-quoted path of the program served. Scenarios: ${SCENARIOS.join(' ')} (default: all, or
BENCH_SCENARIOS). Sizes come from the environment: see bench/README.md.`;

function parseArgs(argv) {
  const opts = { scenarios: [], scaleFlags: process.env.BENCH_SCALE_FLAGS ?? '--maxforks=0', out: 'target/bench' };
  const names = { '--server': 'server', '--baseline': 'baseline', '--name': 'name', '--baseline-name': 'baselineName',
    '--out': 'out', '--scale-flags': 'scaleFlags', '--floor': 'floor', '--relay-server': 'relayServer',
    '--relay-baseline': 'relayBaseline' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (names[flag]) {
      const value = eq > 0 && flag !== a ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) usageError(`${flag} needs a value`);
      opts[names[flag]] = value;
    } else if (a.startsWith('-')) usageError(`unknown option ${a}`);
    else opts.scenarios.push(a);
  }
  if (!opts.server) usageError('--server is required');
  for (const t of [opts.server, opts.baseline, opts.floor].filter(Boolean)) {
    if (!t.includes('{port}') || !t.includes('{prog}')) usageError(`template needs {port} and {prog}: ${t}`);
  }
  for (const t of [opts.relayServer, opts.relayBaseline].filter(Boolean)) {
    if (!t.includes('{port}') || !t.includes('{target}')) usageError(`relay template needs {port} and {target}: ${t}`);
  }
  if (!opts.scenarios.length) {
    opts.scenarios = (process.env.BENCH_SCENARIOS || SCENARIOS.join(' ')).split(/[\s,]+/).filter(Boolean);
  }
  for (const s of opts.scenarios) if (!SCENARIOS.includes(s)) usageError(`unknown scenario ${s} (known: ${SCENARIOS.join(' ')})`);
  return opts;
}

function usageError(msg) {
  console.error(`bench: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

/** A positive integer from the environment, or the default; anything else is a usage error. */
function envInt(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) usageError(`${name} must be a positive integer, not '${v}'`);
  return Number(v);
}

/** The JDKs the floor scenario starts both servers with: BENCH_JDKS (JAVA_HOME directories), or the JDK of the
 * `java` on the PATH (or JAVA_HOME) and every JDK >= 25 in /usr/lib/jvm, as src/main/sh/cds-archive does. */
function benchJdks() {
  const release = (home) => {
    try {
      const txt = fs.readFileSync(path.join(home, 'release'), 'utf8');
      return /^JAVA_VERSION="?([^"\n]*)/m.exec(txt)?.[1] ?? null;
    } catch { return null; }
  };
  let homes = (process.env.BENCH_JDKS || '').split(/\s+/).filter(Boolean);
  if (!homes.length) {
    if (process.env.JAVA_HOME) homes.push(process.env.JAVA_HOME);
    else {
      for (const dir of (process.env.PATH || '').split(':')) {
        try { homes.push(path.dirname(path.dirname(fs.realpathSync(path.join(dir, 'java'))))); break; } catch { /* next */ }
      }
    }
    try {
      for (const d of fs.readdirSync('/usr/lib/jvm')) {
        const v = release(path.join('/usr/lib/jvm', d));
        if (v && Number(v.split('.')[0]) >= 25) homes.push(path.join('/usr/lib/jvm', d));
      }
    } catch { /* no /usr/lib/jvm */ }
  }
  const seen = new Set();
  const out = [];
  for (const h of homes) {
    let real;
    try { real = fs.realpathSync(h); } catch { usageError(`BENCH_JDKS: no such directory ${h}`); }
    const version = release(real);
    if (!version) usageError(`BENCH_JDKS: ${h} has no release file naming its JAVA_VERSION`);
    if (seen.has(real)) continue;
    seen.add(real);
    let key = `jdk${version.split('.')[0]}`;
    while (out.some((j) => j.key === key)) key += 'b';
    out.push({ key, version, home: real });
  }
  return out;
}

function config() {
  // BENCH_QUICK=1: one round of smaller runs, for a look in a few minutes (every size can still be set)
  const quick = process.env.BENCH_QUICK === '1';
  const q = (full, small) => (quick ? small : full);
  const idleNs = (process.env.IDLE_NS || q('1000 4500', '1000')).split(/[\s,]+/).filter(Boolean).map((v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) usageError(`IDLE_NS must be positive integers, not '${v}'`);
    return Number(v);
  });
  return {
    quick,
    jdks: benchJdks(),
    startupRuns: envInt('STARTUP_RUNS', q(5, 3)),
    startTimeoutMs: envInt('START_TIMEOUT_S', 30) * 1000,
    spawnN: envInt('SPAWN_N', q(500, 200)),
    spawnLongN: envInt('SPAWN_LONG_N', q(3000, 600)),
    spawnConcN: envInt('SPAWN_CONC_N', q(1000, 300)),
    spawnConc: envInt('SPAWN_CONC', 16),
    spawnWarmup: envInt('SPAWN_WARMUP', q(50, 20)),
    rttN: envInt('RTT_N', q(5000, 2000)),
    rttWarmup: envInt('RTT_WARMUP', 200),
    rttSize: envInt('RTT_SIZE', 32),
    echoConns: envInt('ECHO_CONNS', 50),
    echoMsgs: envInt('ECHO_MSGS', q(10000, 2000)),
    echoShortS: envInt('ECHO_SHORT_S', 2),
    echoSize: envInt('ECHO_SIZE', 64),
    echoWindow: envInt('ECHO_WINDOW', 100),
    burstLines: envInt('BURST_LINES', q(500000, 100000)),
    idleNs,
    idleInflight: envInt('IDLE_INFLIGHT', 16),
    idleSettleMs: envInt('IDLE_SETTLE_MS', 1000),
    readyTimeoutMs: envInt('READY_TIMEOUT_S', 20) * 1000,
    cleanupTimeoutMs: envInt('CLEANUP_TIMEOUT_S', 30) * 1000,
    largeBig: envInt('LARGE_BIG', 1048576),
    largeMid: envInt('LARGE_MID', 65536),
    largeCount: envInt('LARGE_COUNT', 100),
    connTimeoutMs: envInt('CONN_TIMEOUT_S', 10) * 1000,
    pauseMs: envInt('PAUSE_MS', q(1000, 500)),
    repeat: envInt('BENCH_REPEAT', q(3, 1)),
    // the settings of the scenarios in files of their own (lib/registry.mjs)
    ...moduleConfig({
      quick,
      int: (name, full, small) => envInt(name, q(full, small)),
      list: (name, full, small) => {
        const v = process.env[name];
        if (v === undefined || v === '') return q(full, small);
        return v.split(/[\s,]+/).filter(Boolean).map((x) => {
          if (!/^\d+$/.test(x) || Number(x) < 1) usageError(`${name} must be positive integers, not '${v}'`);
          return Number(x);
        });
      },
    }),
  };
}

/** The programs served, written afresh for every run into a private temporary directory. */
function writePrograms(cfg) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbridge-bench-'));
  const write = (name, body) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  return {
    dir,
    hello: write('hello.sh', 'echo hello'),
    // the count is baked in: a bridge passes only CGI variables to its children, not our environment
    seq: write('seq.sh', `exec seq 1 ${cfg.burstLines}`),
    cat: write('cat.sh', 'exec cat'),
    ...Object.fromEntries(Object.entries(modulePrograms(cfg)).map(([key, body]) => [key, write(`${key}.sh`, body)])),
  };
}

const commandName = (template) => path.basename(template.trim().split(/\s+/)[0]);

function machineFacts(cfg, opts) {
  let fdLimit = '?';
  try { fdLimit = /Max open files\s+(\S+)\s+(\S+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8')).slice(1).join('/'); } catch { /* unknown */ }
  return {
    date: new Date().toISOString(), host: os.hostname(), nproc: os.cpus().length,
    memMb: Math.round(os.totalmem() / 1048576), fdLimit, node: process.version,
    kernel: `${os.type()} ${os.release()}`, scenarios: opts.scenarios, settings: { ...cfg, scaleFlags: opts.scaleFlags },
  };
}

/** Runs one scenario against one server with a deadline; whatever happens, the server is stopped after. */
async function runScenario(name, srv, run, shared) {
  const tracker = new Tracker();
  const samples = (run.samples[srv.name] ||= {});
  const ownServers = [];
  const notes = ((run.notes[srv.name] ||= {})[name] ||= []);
  const ctx = {
    srv, cfg: shared.cfg, progs: shared.progs, tracker, aborted: false,
    rec: (key, value) => { if (!ctx.aborted) (samples[key] ||= []).push(value); },
    note: (text) => { if (!ctx.aborted) notes.push(shared.cfg.repeat > 1 ? `round ${shared.round}: ${text}` : text); },
    floorServer: shared.floorServer,
    templates: shared.templates,
    /** A further server for this scenario run (e.g. a relay), stopped with the others when the run ends. */
    newServer({ name, template, role }) {
      const s = new Server({ name, template, role, cwd: process.cwd(), logDir: shared.logDir, startTimeoutMs: shared.cfg.startTimeoutMs });
      ownServers.push(s);
      return s;
    },
    async withServer(prog, label, fn, { scale = false, flags = '', server = srv, env = {} } = {}) {
      if (ctx.aborted) throw new Error('aborted');
      const info = await server.start(prog, { label, flags: [scale ? shared.scaleFlags : '', flags].filter(Boolean).join(' '), env });
      try {
        await fn(info);
      } finally {
        tracker.terminateAll();
        const stopped = await server.stop();
        if (stopped.strays) notes.push(`${stopped.strays} process(es) left after the server stopped (${label}): killed`);
        // a clean stop is exit 0 (graceful) or death by the SIGTERM sent; anything else is worth a note
        if (!/^(exit status (0|143)|signal SIGTERM)$/.test(stopped.exit)) notes.push(`${label}: ${info.command} → ${stopped.exit}`);
      }
    },
  };
  (run.ran[srv.name] ||= new Set()).add(name);
  const limit = scenarioDeadlineMs(name, shared.cfg);
  let timer;
  const t0 = now();
  try {
    await Promise.race([
      RUNNERS[name](ctx),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`deadline of ${limit / 1000} s exceeded`)), limit); }),
    ]);
  } catch (e) {
    const errs = (run.errors[srv.name] ||= {});
    errs[name] = errs[name] ? `${errs[name]}; ${e.message}` : e.message;
    console.log(`#   ${srv.name} ${name}: ERROR ${e.message}`);
  } finally {
    clearTimeout(timer);
    ctx.aborted = true;
    tracker.terminateAll();
    if (srv.child) await srv.stop();
    if (shared.floorServer?.child) await shared.floorServer.stop();
    for (const s of ownServers) if (s.child) await s.stop();
  }
  const durations = (run.durations[srv.name] ||= {});
  durations[name] = +((durations[name] ?? 0) + (now() - t0) / 1000).toFixed(1);
}

/**
 * One value per metric and server from the rounds: the median for measurements, the worst (maximum) for
 * counts of failures, so that one bad round is never hidden. A failed measurement (NaN) in every round
 * stays NaN ("fail").
 */
function aggregate(run) {
  const worstOf = new Set(run.defs.filter((d) => d.unit === 'count' || d.unit === 'procs').map((d) => d.key));
  for (const [server, byKey] of Object.entries(run.samples)) {
    const values = (run.values[server] = {});
    for (const [key, list] of Object.entries(byKey)) {
      const finite = list.filter(Number.isFinite);
      if (!finite.length) values[key] = NaN;
      else values[key] = worstOf.has(key) ? Math.max(...finite) : median(finite);
    }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cfg = config();
  const outDir = path.resolve(opts.out);
  const logDir = path.join(outDir, 'logs');
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const progs = writePrograms(cfg);
  const serverSpecs = [{ name: opts.name || commandName(opts.server), template: opts.server, role: 'subject' }];
  if (opts.baseline) {
    let name = opts.baselineName || commandName(opts.baseline);
    if (name === serverSpecs[0].name) name += '-baseline';
    serverSpecs.push({ name, template: opts.baseline, role: 'baseline' });
  }
  const servers = serverSpecs.map((s) => new Server({ ...s, cwd: process.cwd(), logDir, startTimeoutMs: cfg.startTimeoutMs }));
  const run = {
    meta: machineFacts(cfg, opts), servers: serverSpecs, defs: metricDefinitions(cfg), titles: scenarioTitles(),
    samples: {}, values: {}, notes: {}, errors: {}, ran: {}, durations: {},
  };

  const cleanup = () => { killAllNow(); fs.rmSync(progs.dir, { recursive: true, force: true }); };
  process.on('exit', cleanup);
  // first signal: stop the servers as a scenario would (bounded by the stop timeouts); a second one: at once
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error(`bench: ${sig}: stopping the servers`);
      stopAll().finally(() => process.exit(130));
    });
  }

  console.log(`# bench ${run.meta.date} on ${run.meta.host}: ${run.meta.nproc} cores, fd limit ${run.meta.fdLimit}, node ${process.version}`);
  for (const s of serverSpecs) console.log(`# ${s.role} ${s.name}: ${s.template}`);
  console.log(`# scenarios: ${opts.scenarios.join(' ')}; results in ${outDir}`);
  const floorServer = opts.floor
    ? new Server({ name: 'floor', template: opts.floor, role: 'floor', cwd: process.cwd(), logDir, startTimeoutMs: cfg.startTimeoutMs })
    : null;
  if (floorServer) console.log(`# floor: ${opts.floor}; JDKs: ${cfg.jdks.map((j) => `${j.version} (${j.home})`).join(', ')}`);
  const shared = {
    cfg, progs, scaleFlags: opts.scaleFlags, floorServer, logDir,
    templates: { relayServer: opts.relayServer, relayBaseline: opts.relayBaseline },
  };
  if (opts.scenarios.includes('relay')) {
    console.log(`# relay: ${opts.relayServer ?? '(no --relay-server)'} against ${opts.relayBaseline ?? '(no --relay-baseline)'}`);
  }
  let first = true;
  // interleaved: each scenario runs on every server before the next scenario, so drift in the machine's
  // load hits both servers alike
  for (let round = 1; round <= cfg.repeat; round++) {
    // every other round starts with the baseline, so that neither server always runs on a machine that the
    // other has just warmed up or left busy
    const order = round % 2 === 1 ? servers : [...servers].reverse();
    for (const name of opts.scenarios) {
      for (const srv of order) {
        if (!first) await sleep(cfg.pauseMs);
        first = false;
        const t0 = now();
        console.log(`# ${name} on ${srv.name}${cfg.repeat > 1 ? ` (round ${round} of ${cfg.repeat})` : ''} ...`);
        shared.round = round;
        await runScenario(name, srv, run, shared);
        console.log(`#   done in ${((now() - t0) / 1000).toFixed(1)} s`);
      }
    }
  }
  aggregate(run);

  const rows = buildRows(run);
  console.log('');
  console.log(formatTable(run, rows));
  for (const srv of serverSpecs) {
    for (const [scenario, list] of Object.entries(run.notes[srv.name] || {})) {
      for (const n of list) console.log(`# note ${srv.name} ${scenario}: ${n}`);
    }
    for (const [scenario, e] of Object.entries(run.errors[srv.name] || {})) console.log(`# ERROR ${srv.name} ${scenario}: ${e}`);
  }
  const judged = rows.filter((r) => r.met !== null);
  if (judged.length) {
    const missed = judged.filter((r) => !r.met).map((r) => r.def.key);
    console.log(`# targets: ${judged.length - missed.length} of ${judged.length} met${missed.length ? `; missed: ${missed.join(' ')}` : ''}`);
  }
  const files = writeReports(outDir, run, rows);
  const shown = (f) => (f.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), f) : f);
  console.log(`# wrote ${shown(files.csv)}, ${shown(files.json)}, ${shown(files.html)}`);
  // a scenario that could not run on the server under test is a failure of the run, not a slow result
  process.exitCode = run.errors[serverSpecs[0].name] ? 1 : 0;
}

await main();
