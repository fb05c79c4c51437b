// The scenarios: each starts its own fresh server(s) through ctx.withServer, drives it over 127.0.0.1 and
// records metrics with ctx.rec(key, value). Every loop is bounded in count, every wait in time.
import { cpuSeconds, countFds, descendants, isReaped, readStatus } from './procfs.mjs';
import { median, now, percentile, pool, sleep, whenClosed } from './wsclient.mjs';

const clientCpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// ------------------------------------------------------------------ startup
async function startup(ctx) {
  const acceptMs = [], cpuMs = [], rssMb = [], threads = [];
  for (let i = 0; i < ctx.cfg.startupRuns; i++) {
    await ctx.withServer(ctx.progs.hello, 'startup', async (info) => {
      acceptMs.push(info.acceptMs);
      cpuMs.push(info.acceptCpuMs);
      await sleep(500); // what a freshly started server holds, not a half-initialised one
      const st = readStatus(info.pid);
      rssMb.push(st.rssKb / 1024);
      threads.push(st.threads);
    });
  }
  ctx.rec('startup.accept_ms', median(acceptMs));
  ctx.rec('startup.cpu_ms', median(cpuMs));
  ctx.rec('startup.rss_mb', median(rssMb));
  ctx.rec('startup.threads', median(threads));
}

// ------------------------------------------------------------------ floor
/**
 * The server under test against the start-up floor (a bare Netty epoll WebSocket server started by the same
 * launcher), for every JDK in cfg.jdks (JAVA_HOME set for both), starts alternating. Only for the server
 * under test: the floor is a JVM's floor.
 */
async function floor(ctx) {
  if (ctx.srv.role !== 'subject' || !ctx.floorServer) {
    if (ctx.srv.role === 'subject') ctx.note('floor: no --floor template given');
    return;
  }
  for (const jdk of ctx.cfg.jdks) {
    const p = `floor.${jdk.key}`;
    const got = { subject: { a: [], c: [], r: [] }, floor: { a: [], c: [], r: [] } };
    for (let i = 0; i < ctx.cfg.startupRuns; i++) {
      for (const which of i % 2 === 0 ? ['subject', 'floor'] : ['floor', 'subject']) {
        const srv = which === 'subject' ? ctx.srv : ctx.floorServer;
        await ctx.withServer(ctx.progs.hello, `floor-${jdk.key}-${which}`, async (info) => {
          got[which].a.push(info.acceptMs);
          got[which].c.push(info.acceptCpuMs);
          await sleep(500);
          got[which].r.push(readStatus(info.pid).rssKb / 1024);
        }, { server: srv, env: { JAVA_HOME: jdk.home } });
      }
    }
    const med = (which, k) => median(got[which][k]);
    ctx.rec(`${p}.accept_ms`, med('subject', 'a'));
    ctx.rec(`${p}.floor_accept_ms`, med('floor', 'a'));
    ctx.rec(`${p}.accept_vs_floor`, med('subject', 'a') / med('floor', 'a'));
    ctx.rec(`${p}.cpu_ms`, med('subject', 'c'));
    ctx.rec(`${p}.floor_cpu_ms`, med('floor', 'c'));
    ctx.rec(`${p}.cpu_vs_floor`, med('subject', 'c') / med('floor', 'c'));
    ctx.rec(`${p}.rss_mb`, med('subject', 'r'));
    ctx.rec(`${p}.floor_rss_mb`, med('floor', 'r'));
    ctx.rec(`${p}.rss_vs_floor`, med('subject', 'r') / med('floor', 'r'));
  }
}

// ------------------------------------------------------------------ spawn
/** n cycles of connect → first message → close (the server closes when hello.sh exits), `conc` in flight. */
export async function spawnCycles(ctx, url, n, conc) {
  const firstMs = [];
  const errors = {};
  const fail = (kind) => { errors[kind] = (errors[kind] || 0) + 1; };
  const one = () => new Promise((resolve) => {
    const t0 = now();
    let first = false, settled = false, lastError = '';
    const ws = ctx.tracker.create(url);
    const finish = (kind) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (kind) fail(kind);
      resolve();
    };
    const timer = setTimeout(() => { ws.terminate(); finish(first ? 'close-timeout' : 'no-message-timeout'); },
      ctx.cfg.connTimeoutMs);
    ws.on('message', (data) => {
      if (first) return;
      first = true;
      firstMs.push(now() - t0);
      if (data.toString() !== 'hello') fail('wrong-payload');
    });
    ws.on('error', (e) => { lastError = e.message; });
    ws.on('close', () => finish(first ? null : `closed-without-message${lastError ? ` (${lastError})` : ''}`));
  });
  const t0 = now();
  await pool(n, conc, one);
  const seconds = (now() - t0) / 1000;
  firstMs.sort((a, b) => a - b);
  const nErrors = Object.values(errors).reduce((s, x) => s + x, 0);
  if (nErrors) ctx.note(`${n} connections, ${conc} in flight: errors ${JSON.stringify(errors)}`);
  return { perSecond: n / seconds, firstP50: percentile(firstMs, 50), nErrors };
}

async function spawn(ctx) {
  const { spawnN, spawnLongN, spawnConcN, spawnConc, spawnWarmup } = ctx.cfg;
  let errors = 0;
  // a few unmeasured cycles first: a long-running server is the case that matters, not its first seconds
  const warmUp = async () => { errors += (await spawnCycles(ctx, ctx.srv.url, spawnWarmup, 1)).nErrors; };
  const runs = [['seq', spawnN, 1], ['long', spawnLongN, 1], ['conc', spawnConcN, spawnConc]];
  for (const [i, [name, n, conc]] of runs.entries()) {
    if (i > 0) await sleep(ctx.cfg.pauseMs);
    await ctx.withServer(ctx.progs.hello, `spawn-${name}`, async (info) => {
      await warmUp();
      const c0 = cpuSeconds(info.pid);
      const r = await spawnCycles(ctx, ctx.srv.url, n, conc);
      ctx.rec(`spawn.${name}_conn_per_s`, r.perSecond);
      ctx.rec(`spawn.${name}_cpu_ms_per_conn`, ((cpuSeconds(info.pid) - c0) * 1000) / n);
      if (name !== 'long') ctx.rec(`spawn.${name}_first_msg_p50_ms`, r.firstP50);
      errors += r.nErrors;
    });
  }
  ctx.rec('spawn.errors', errors);
}

// ------------------------------------------------------------------ rtt
async function rtt(ctx) {
  const { rttN, rttWarmup, rttSize, connTimeoutMs } = ctx.cfg;
  await ctx.withServer(ctx.progs.cat, 'rtt', async () => {
    const ws = await ctx.tracker.openRaw(ctx.srv.url);
    const payloads = Array.from({ length: 100 }, (_, i) => Buffer.from(`m${i}:`.padEnd(rttSize, '.')));
    const samples = [];
    let wrong = 0;
    const failure = await new Promise((resolve) => {
      let i = 0, t = 0n, want = null;
      const timer = setTimeout(() => resolve(`no echo of message ${i} within ${connTimeoutMs} ms`), connTimeoutMs);
      const sendNext = () => {
        want = payloads[i % payloads.length];
        t = process.hrtime.bigint();
        ws.sendText(want);
      };
      ws.listen({
        onMessage: (buf, start, end) => {
          const us = Number(process.hrtime.bigint() - t) / 1000;
          if (want.compare(buf, start, end) !== 0) wrong++;
          if (i >= rttWarmup) samples.push(us);
          i++;
          timer.refresh();
          if (i < rttN + rttWarmup) sendNext();
          else { clearTimeout(timer); resolve(null); }
        },
        onClose: (code) => { clearTimeout(timer); resolve(`closed (code ${code}) after ${i} echoes`); },
      });
      sendNext();
    });
    if (failure) ctx.note(`rtt: ${failure}`);
    ws.onClose = () => {};
    await ws.close();
    samples.sort((a, b) => a - b);
    ctx.rec('rtt.p50_us', percentile(samples, 50));
    ctx.rec('rtt.p99_us', percentile(samples, 99));
    ctx.rec('rtt.errors', wrong + (rttN - samples.length));
  });
}

// ------------------------------------------------------------------ echo throughput
/** The short echo run: a fresh server, echoConns clients echoing as fast as they can for echoShortS seconds,
 * counted from the first message, so the server's warm-up is part of it. */
async function echoShort(ctx, payloads) {
  const { echoConns, echoShortS, echoWindow, connTimeoutMs } = ctx.cfg;
  const cycle = payloads[0].length;
  await ctx.withServer(ctx.progs.cat, 'echo-short', async () => {
    const socks = await pool(echoConns, 16, () => ctx.tracker.openRaw(ctx.srv.url));
    let received = 0, wrong = 0, stop = false;
    const t0 = now();
    await Promise.all(socks.map((ws, c) => new Promise((resolve) => {
      const mine = payloads[c];
      let sent = 0, got = 0;
      const timer = setTimeout(resolve, echoShortS * 1000 + connTimeoutMs);
      ws.listen({
        onMessage: (buf, start, end) => {
          if (mine[got % cycle].compare(buf, start, end) !== 0) wrong++;
          got++;
          if (!stop) received++;
          if (now() - t0 >= echoShortS * 1000) stop = true;
          if (!stop) ws.sendText(mine[sent++ % cycle]);
          if (got === sent) { clearTimeout(timer); resolve(); }
        },
        onClose: () => { clearTimeout(timer); resolve(); },
      });
      while (sent < echoWindow) ws.sendText(mine[sent++ % cycle]);
    })));
    ctx.rec('echo.short_msgs_per_s', received / echoShortS);
    if (wrong) ctx.note(`echo short run: ${wrong} wrong echoes`);
    for (const ws of socks) ws.onClose = () => {};
    await Promise.all(socks.map((ws) => ws.close()));
  });
  await sleep(ctx.cfg.pauseMs);
}

async function echo(ctx) {
  const { echoConns, echoMsgs, echoSize, echoWindow, connTimeoutMs } = ctx.cfg;
  // message i of connection c carries "c:i%1000:" padded with dots: built once, checked byte for byte, and
  // a lost or reordered echo within a window of up to 1000 still shows as a mismatch
  const cycle = 1000;
  const payloads = Array.from({ length: echoConns }, (_, c) =>
    Array.from({ length: Math.min(cycle, echoMsgs) }, (_, i) => Buffer.from(`${c}:${i}:`.padEnd(echoSize, '.'))));
  await echoShort(ctx, Array.from({ length: echoConns }, (_, c) =>
    Array.from({ length: cycle }, (_, i) => Buffer.from(`${c}:${i}:`.padEnd(echoSize, '.')))));
  await ctx.withServer(ctx.progs.cat, 'echo', async (info) => {
    const socks = await pool(echoConns, 16, () => ctx.tracker.openRaw(ctx.srv.url));
    let wrong = 0, received = 0;
    const cpu0 = cpuSeconds(info.pid), client0 = clientCpuSeconds();
    const t0 = now();
    const outcomes = await Promise.all(socks.map((ws, c) => new Promise((resolve) => {
      const mine = payloads[c];
      let sent = 0, got = 0;
      const timer = setTimeout(() => resolve(`conn ${c}: ${got}/${echoMsgs} echoes, then ${connTimeoutMs} ms quiet`),
        connTimeoutMs);
      ws.listen({
        onMessage: (buf, start, end) => {
          if (mine[got % cycle].compare(buf, start, end) !== 0) wrong++;
          got++;
          received++;
          timer.refresh();
          if (sent < echoMsgs) ws.sendText(mine[sent++ % cycle]);
          if (got === echoMsgs) { clearTimeout(timer); resolve(null); }
        },
        onClose: (code) => { clearTimeout(timer); resolve(`conn ${c}: closed (code ${code}) after ${got} echoes`); },
      });
      while (sent < Math.min(echoWindow, echoMsgs)) ws.sendText(mine[sent++ % cycle]);
    })));
    const seconds = (now() - t0) / 1000;
    ctx.rec('echo.msgs_per_s', received / seconds);
    ctx.rec('echo.server_cpu_s', cpuSeconds(info.pid) - cpu0);
    ctx.rec('echo.client_cpu_pct', ((clientCpuSeconds() - client0) / seconds) * 100);
    ctx.rec('echo.errors', wrong + (echoConns * echoMsgs - received));
    const failed = outcomes.filter(Boolean);
    if (failed.length) ctx.note(`echo: ${failed.length} connection(s) failed, first: ${failed[0]}`);
    for (const ws of socks) ws.onClose = () => {};
    await Promise.all(socks.map((ws) => ws.close()));
  });
}

// ------------------------------------------------------------------ output burst
/** The decimal number in buf[start, end), or -1 when it is not one. */
function parseDecimal(buf, start, end) {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

async function burst(ctx) {
  const lines = ctx.cfg.burstLines;
  await ctx.withServer(ctx.progs.seq, 'burst', async (info) => {
    const cpu0 = cpuSeconds(info.pid), client0 = clientCpuSeconds();
    const t0 = now();
    const ws = await ctx.tracker.openRaw(ctx.srv.url);
    let next = 1, count = 0, firstBad = null, tLast = now();
    const closeCode = await new Promise((resolve) => {
      // bounded by the quiet time: a stalled burst ends the scenario instead of hanging it
      const timer = setTimeout(() => { ws.destroy(); resolve('none: quiet for too long'); }, ctx.cfg.connTimeoutMs);
      ws.listen({
        onMessage: (buf, start, end) => {
          count++;
          if (firstBad === null && parseDecimal(buf, start, end) !== next) {
            firstBad = `line ${count}: expected ${next}, got ${JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 40)))}`;
          }
          next++;
          tLast = now();
          timer.refresh();
        },
        onClose: (code) => { clearTimeout(timer); resolve(code); },
      });
    });
    const seconds = (tLast - t0) / 1000;
    ctx.rec('burst.lines_per_s', count / seconds);
    ctx.rec('burst.server_cpu_s', cpuSeconds(info.pid) - cpu0);
    ctx.rec('burst.client_cpu_pct', ((clientCpuSeconds() - client0) / seconds) * 100);
    ctx.rec('burst.lost_lines', firstBad === null ? lines - count : Math.max(1, lines - count));
    if (firstBad || count !== lines) ctx.note(`burst: ${count}/${lines} lines, close ${closeCode}${firstBad ? `, first wrong ${firstBad}` : ''}`);
  });
}

// ------------------------------------------------------------------ idle scale
async function idleOne(ctx, n) {
  const p = `idle.n${n}`;
  const { idleInflight, idleSettleMs, cleanupTimeoutMs } = ctx.cfg;
  await ctx.withServer(ctx.progs.cat, `idle-${n}`, async (info) => {
    await sleep(500);
    const base = readStatus(info.pid);
    const fds0 = countFds(info.pid);
    const t0 = now();
    let openErrors = 0, readyErrors = 0, firstError = '';
    const socks = [];
    await pool(n, idleInflight, async () => {
      try { socks.push(await ctx.tracker.open(ctx.srv.url)); } catch (e) { openErrors++; firstError ||= e.message; }
    });
    const openS = (now() - t0) / 1000;
    // one echo per session proves that its child is running and wired up; one deadline for all of them
    await new Promise((resolve) => {
      let pending = socks.length;
      const timer = setTimeout(() => { readyErrors = pending; resolve(); }, ctx.cfg.readyTimeoutMs);
      if (pending === 0) { clearTimeout(timer); resolve(); return; }
      socks.forEach((ws, i) => {
        ws.once('message', () => { if (--pending === 0) { clearTimeout(timer); resolve(); } });
        ws.send(`hi ${i}`);
      });
    });
    const readyS = (now() - t0) / 1000;
    await sleep(idleSettleMs);
    const st = readStatus(info.pid);
    const fds = countFds(info.pid);
    const kids = descendants(info.pid);
    ctx.rec(`${p}.open_s`, openS);
    ctx.rec(`${p}.ready_s`, readyErrors ? NaN : readyS);
    ctx.rec(`${p}.rss_kb_per_session`, (st.rssKb - base.rssKb) / Math.max(1, socks.length));
    ctx.rec(`${p}.rss_mb`, st.rssKb / 1024);
    ctx.rec(`${p}.threads`, st.threads);
    ctx.rec(`${p}.fds_per_session`, (fds - fds0) / Math.max(1, socks.length));
    if (openErrors || readyErrors) {
      ctx.note(`idle ${n}: ${openErrors} failed handshakes${firstError ? ` (first: ${firstError})` : ''}, ` +
        `${readyErrors} open sessions without an echo within ${ctx.cfg.readyTimeoutMs / 1000} s (see the server log)`);
    }
    ctx.note(`idle ${n}: ${socks.length} sessions open, ${kids.filter((k) => k.state !== 'Z').length} live descendants`);

    // the clients leave: close every session, then wait until every descendant has exited and been reaped
    const known = new Map(kids.map((k) => [k.pid, k.start]));
    const tc = now();
    for (const ws of socks) ws.close(1000);
    let cleanupS = NaN;
    while (now() - tc < cleanupTimeoutMs) {
      for (const [pid, start] of known) if (isReaped(pid, start)) known.delete(pid);
      if (known.size === 0) {
        const late = descendants(info.pid); // a full scan catches children spawned after the snapshot
        if (late.length === 0) { cleanupS = (now() - tc) / 1000; break; }
        for (const k of late) known.set(k.pid, k.start);
      }
      await sleep(known.size > 200 ? 50 : 10);
    }
    const left = descendants(info.pid);
    ctx.rec(`${p}.cleanup_s`, cleanupS);
    ctx.rec(`${p}.leftover_procs`, left.length);
    ctx.rec(`${p}.errors`, openErrors + readyErrors);
    if (left.length) {
      const states = {};
      for (const k of left) states[k.state] = (states[k.state] || 0) + 1;
      ctx.note(`idle ${n}: ${left.length} process(es) left ${cleanupTimeoutMs / 1000} s after the clients left, states ${JSON.stringify(states)}`);
    }
    await Promise.all(socks.map((ws) => whenClosed(ws, 5000)));
  }, { scale: true });
}

async function idle(ctx) {
  for (const [i, n] of ctx.cfg.idleNs.entries()) {
    if (i > 0) await sleep(ctx.cfg.pauseMs);
    await idleOne(ctx, n);
  }
}

// ------------------------------------------------------------------ large messages
/** len printable bytes from a seeded generator: incompressible, valid UTF-8, no newline. */
function randomText(len, seed) {
  const alphabet = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  const out = Buffer.allocUnsafe(len);
  let x = seed >>> 0;
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = alphabet[x % 62];
  }
  return out;
}

/** Resolves with the next `count` messages of ws, or with what came when it closes or goes quiet for timeoutMs. */
function nextMessages(ws, count, timeoutMs) {
  return new Promise((resolve) => {
    const msgs = [];
    const finish = (why) => {
      clearTimeout(timer);
      ws.removeListener('message', onMessage);
      ws.removeListener('close', onClose);
      resolve({ msgs, why });
    };
    const onMessage = (data) => { msgs.push(data); timer.refresh(); if (msgs.length >= count) finish('ok'); };
    const onClose = (code) => finish(`closed (code ${code})`);
    const timer = setTimeout(() => finish(`no message for ${timeoutMs} ms`), timeoutMs);
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

async function large(ctx) {
  const { largeBig, largeMid, largeCount, connTimeoutMs } = ctx.cfg;
  let errors = 0;
  await ctx.withServer(ctx.progs.cat, 'large', async () => {
    {
      const msg = randomText(largeBig, 1);
      const ws = await ctx.tracker.open(ctx.srv.url);
      const t0 = now();
      const got = nextMessages(ws, 1, connTimeoutMs);
      ws.send(msg, { binary: false });
      const r = await got;
      const ok = r.why === 'ok' && msg.equals(r.msgs[0]);
      ctx.rec('large.big_ms', ok ? now() - t0 : NaN);
      if (!ok) { errors++; ctx.note(`large: ${largeBig} B message: ${r.why}, ${r.msgs.length} message(s) back, ${r.msgs[0]?.length ?? 0} B`); }
      ws.terminate();
    }
    const mids = Array.from({ length: largeCount }, (_, i) => randomText(largeMid, i + 7));
    {
      const ws = await ctx.tracker.open(ctx.srv.url);
      const t0 = now();
      let intact = 0, why = 'ok';
      for (let i = 0; i < largeCount; i++) {
        const got = nextMessages(ws, 1, connTimeoutMs);
        ws.send(mids[i], { binary: false });
        const r = await got;
        if (r.why !== 'ok' || !mids[i].equals(r.msgs[0])) { why = r.why === 'ok' ? `message ${i} differs` : `${r.why} at message ${i}`; break; }
        intact++;
      }
      ctx.rec('large.mid_seq_ms', intact === largeCount ? now() - t0 : NaN);
      if (intact !== largeCount) { errors += largeCount - intact; ctx.note(`large: sequential ${intact}/${largeCount} intact (${why})`); }
      ws.terminate();
    }
    {
      const ws = await ctx.tracker.open(ctx.srv.url);
      const t0 = now();
      const got = nextMessages(ws, largeCount, connTimeoutMs);
      for (const msg of mids) ws.send(msg, { binary: false });
      const r = await got;
      const intact = r.msgs.filter((m, i) => mids[i].equals(m)).length;
      ctx.rec('large.mid_pipelined_ms', intact === largeCount ? now() - t0 : NaN);
      if (intact !== largeCount) { errors += largeCount - intact; ctx.note(`large: pipelined ${intact}/${largeCount} intact (${r.why})`); }
      ws.terminate();
    }
  });
  ctx.rec('large.errors', errors);
}

export const RUNNERS = { startup, floor, spawn, rtt, echo, burst, idle, large };

/** Rough upper bound of one scenario run, for its deadline. */
export function scenarioDeadlineMs(name, cfg) {
  const starts = cfg.startupRuns * (cfg.startTimeoutMs + 8000);
  const base = {
    startup: 20000 + starts, floor: 20000 + 2 * cfg.jdks.length * starts, idle: cfg.idleNs.length * 240000,
    spawn: 180000 + 200 * (cfg.spawnN + cfg.spawnLongN + cfg.spawnConcN),
  };
  return base[name] ?? 180000;
}
