// Scenario `spawnload` (issue 11): does a spawn get slower when many sessions are open (a larger descriptor
// table to copy or close, more memory to map, more children to reap)? One fresh server (scale flags) serving
// mixed.sh, which runs `cat` when the query string is `idle` and prints `hello` otherwise. Spawn cycles
// (connect → first message → close) are measured three times: with no session open, with SPAWNLOAD_IDLE idle
// sessions open, and again after they closed (the same server, now warmer: the first and the last run together
// are the reference), each time sequentially and with SPAWN_CONC in flight.
import { m } from './metrics.mjs';
import { countFds, cpuSeconds, descendants } from './procfs.mjs';
import { spawnCycles } from './scenarios.mjs';
import { now, pool, sleep } from './wsclient.mjs';

const PHASES = ['empty', 'loaded', 'after'];
const KINDS = ['seq', 'conc'];

async function measure(ctx, info, phase) {
  const { spawnloadN, spawnConc } = ctx.cfg;
  const out = { errors: 0 };
  for (const kind of KINDS) {
    const c0 = cpuSeconds(info.pid);
    const r = await spawnCycles(ctx, ctx.srv.url, spawnloadN, kind === 'seq' ? 1 : spawnConc);
    ctx.rec(`spawnload.${phase}.${kind}_conn_per_s`, r.perSecond);
    ctx.rec(`spawnload.${phase}.${kind}_cpu_ms_per_conn`, ((cpuSeconds(info.pid) - c0) * 1000) / spawnloadN);
    out[kind] = r.perSecond;
    out.errors += r.nErrors;
  }
  return out;
}

async function run(ctx) {
  const { spawnloadIdle, spawnloadWarmup, idleInflight, readyTimeoutMs, cleanupTimeoutMs } = ctx.cfg;
  let errors = 0;
  await ctx.withServer(ctx.progs.mixed, 'spawnload', async (info) => {
    // a longer warm-up than spawn's: the first phase is compared with the last, on a server that is warm by then
    errors += (await spawnCycles(ctx, ctx.srv.url, spawnloadWarmup, 1)).nErrors;
    const empty = await measure(ctx, info, 'empty');

    // the idle sessions, each proven by one echo
    const t0 = now();
    const socks = [];
    let idleErrors = 0, firstError = '';
    await pool(spawnloadIdle, idleInflight, async () => {
      try { socks.push(await ctx.tracker.open(`${ctx.srv.url}?idle`)); } catch (e) { idleErrors++; firstError ||= e.message; }
    });
    await new Promise((resolve) => {
      let pending = socks.length;
      const timer = setTimeout(() => { idleErrors += pending; firstError ||= `${pending} without an echo`; resolve(); }, readyTimeoutMs);
      if (!pending) { clearTimeout(timer); resolve(); return; }
      socks.forEach((ws, i) => {
        ws.once('message', () => { if (--pending === 0) { clearTimeout(timer); resolve(); } });
        ws.send(`idle ${i}`);
      });
    });
    ctx.rec('spawnload.idle_open_s', (now() - t0) / 1000);
    ctx.rec('spawnload.idle_fds', countFds(info.pid));
    ctx.rec('spawnload.idle_errors', idleErrors);
    if (idleErrors) ctx.note(`spawnload: ${idleErrors} of ${spawnloadIdle} idle sessions failed (first: ${firstError})`);
    await sleep(ctx.cfg.idleSettleMs);

    const loaded = await measure(ctx, info, 'loaded');

    // the idle sessions leave; the last run starts once their children are gone
    for (const ws of socks) ws.close(1000);
    const tc = now();
    while (descendants(info.pid).length > 0 && now() - tc < cleanupTimeoutMs) await sleep(50);
    await sleep(ctx.cfg.pauseMs);
    const after = await measure(ctx, info, 'after');
    for (const kind of KINDS) ctx.rec(`spawnload.${kind}_loaded_vs_empty`, loaded[kind] / ((empty[kind] + after[kind]) / 2));
    errors += empty.errors + loaded.errors + after.errors;
  }, { scale: true });
  ctx.rec('spawnload.errors', errors);
}

export default {
  name: 'spawnload',
  config: (env) => ({
    spawnloadN: env.int('SPAWNLOAD_N', 500, 200),
    spawnloadIdle: env.int('SPAWNLOAD_IDLE', 4000, 4000),
    spawnloadWarmup: env.int('SPAWNLOAD_WARMUP', 300, 200),
  }),
  programs: () => ({ mixed: 'case "$QUERY_STRING" in idle) exec cat ;; esac\necho hello' }),
  metrics: (cfg) => {
    const title = { empty: 'no session open', loaded: `${cfg.spawnloadIdle} idle sessions open`, after: 'after they closed' };
    const defs = [];
    for (const kind of KINDS) {
      const how = kind === 'seq' ? `${cfg.spawnloadN} sequential` : `${cfg.spawnloadN}, ${cfg.spawnConc} in flight`;
      for (const ph of PHASES) defs.push(m(`spawnload.${ph}.${kind}_conn_per_s`, `${how}, ${title[ph]}`, 'conn/s', 'higher'));
      for (const ph of PHASES) {
        defs.push(m(`spawnload.${ph}.${kind}_cpu_ms_per_conn`, `${how}, ${title[ph]}: server CPU per conn`, 'ms', 'lower'));
      }
    }
    defs.push(
      m('spawnload.seq_loaded_vs_empty', 'sequential: conn/s with the sessions open / without (mean of before and after)', 'x', 'higher'),
      m('spawnload.conc_loaded_vs_empty', `${cfg.spawnConc} in flight: the same`, 'x', 'higher'),
      m('spawnload.idle_open_s', `time to open the ${cfg.spawnloadIdle} idle sessions`, 's', 'lower'),
      m('spawnload.idle_fds', `server fds with ${cfg.spawnloadIdle} idle sessions open`, 'fds', 'info'),
      m('spawnload.idle_errors', 'idle sessions that failed', 'count', 'lower', { equals: 0 }),
      m('spawnload.errors', 'failed spawn cycles', 'count', 'lower', { equals: 0 }),
    );
    return defs;
  },
  deadlineMs: (cfg) => 240000 + 600 * cfg.spawnloadN + 50 * cfg.spawnloadIdle,
  run,
};
