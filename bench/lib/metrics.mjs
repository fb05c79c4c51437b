// What each scenario reports: the metric list in table order, with units, which direction is better, and
// the targets of SPEC §7 and the bench issue. Targets on a ratio need a baseline; the others apply to the
// server under test alone.

/**
 * A metric definition. better: 'higher' | 'lower' | 'info' (not compared). target, optional:
 *   { ratioMin } ratio (subject / baseline) must be >= ratioMin
 *   { ratioMax } ratio must be <= ratioMax; { ratioBelow } ratio must be < ratioBelow
 *   { max } the subject's value must be <= max; { equals } it must be exactly equals
 */
export function m(key, label, unit, better, target = null, digits = null) {
  return { key, scenario: key.split('.')[0], label, unit, better, target, digits };
}

export const SCENARIOS = ['startup', 'floor', 'spawn', 'rtt', 'echo', 'burst', 'idle', 'large'];

/** Every metric in table order, for the configuration given (idle-scale metrics depend on IDLE_NS). */
export function metricDefinitions(cfg) {
  const defs = [
    m('startup.accept_ms', 'time until the port accepts (median)', 'ms', 'lower'),
    m('startup.cpu_ms', 'CPU used until the port accepts (median, all threads)', 'ms', 'lower'),
    m('startup.rss_mb', 'RSS 0.5 s after accepting (median)', 'MB', 'lower'),
    m('startup.threads', 'threads after start', 'threads', 'lower'),
  ];
  // floor: the server under test against a bare Netty epoll WebSocket server, same launcher, JVM and flags
  for (const jdk of cfg.jdks) {
    const p = `floor.${jdk.key}`;
    defs.push(
      m(`${p}.accept_ms`, `JDK ${jdk.version}: time until the port accepts`, 'ms', 'info'),
      m(`${p}.floor_accept_ms`, `JDK ${jdk.version}: the same for the Netty floor`, 'ms', 'info'),
      m(`${p}.accept_vs_floor`, `JDK ${jdk.version}: time to accept / floor's`, 'x', 'lower', { max: 1.5 }),
      m(`${p}.cpu_ms`, `JDK ${jdk.version}: CPU until the port accepts`, 'ms', 'info'),
      m(`${p}.floor_cpu_ms`, `JDK ${jdk.version}: the same for the Netty floor`, 'ms', 'info'),
      m(`${p}.cpu_vs_floor`, `JDK ${jdk.version}: CPU until accepting / floor's`, 'x', 'lower'),
      m(`${p}.rss_mb`, `JDK ${jdk.version}: RSS 0.5 s after accepting`, 'MB', 'info'),
      m(`${p}.floor_rss_mb`, `JDK ${jdk.version}: the same for the Netty floor`, 'MB', 'info'),
      m(`${p}.rss_vs_floor`, `JDK ${jdk.version}: RSS / floor's`, 'x', 'lower', { max: 1.2 }),
    );
  }
  defs.push(
    m('spawn.seq_conn_per_s', `${cfg.spawnN} sequential: connect → first message → close`, 'conn/s', 'higher',
      { ratioMin: 1.2 }),
    m('spawn.seq_cpu_ms_per_conn', `${cfg.spawnN} sequential: server CPU per connection`, 'ms', 'lower', { ratioMax: 1 }),
    m('spawn.seq_first_msg_p50_ms', `${cfg.spawnN} sequential: connect → first message p50`, 'ms', 'lower'),
    m('spawn.long_conn_per_s', `${cfg.spawnLongN} sequential: connect → first message → close`, 'conn/s', 'higher',
      { ratioMin: 1.2 }),
    m('spawn.long_cpu_ms_per_conn', `${cfg.spawnLongN} sequential: server CPU per connection`, 'ms', 'lower',
      { ratioMax: 1 }),
    m('spawn.conc_conn_per_s', `${cfg.spawnConcN}, ${cfg.spawnConc} concurrent: connect → first message → close`,
      'conn/s', 'higher', { ratioMin: 1.2 }),
    m('spawn.conc_cpu_ms_per_conn', `${cfg.spawnConc} concurrent: server CPU per connection`, 'ms', 'lower',
      { ratioMax: 1 }),
    m('spawn.conc_first_msg_p50_ms', `${cfg.spawnConc} concurrent: connect → first message p50`, 'ms', 'lower'),
    m('spawn.errors', 'failed connections', 'count', 'lower', { equals: 0 }),

    m('rtt.p50_us', `round trip p50 (one echo client, ${cfg.rttSize} B)`, 'µs', 'lower', { ratioMax: 1.0 }),
    m('rtt.p99_us', 'round trip p99', 'µs', 'lower', { ratioMax: 1.5 }),
    m('rtt.errors', 'wrong or missing echoes', 'count', 'lower', { equals: 0 }),

    m('echo.short_msgs_per_s', `short echo run on a fresh server (${cfg.echoConns} clients, ${cfg.echoShortS} s, ` +
      'warm-up included)', 'msg/s', 'higher', { ratioMin: 1 }),
    m('echo.msgs_per_s', `echo throughput (${cfg.echoConns} clients, ${cfg.echoSize} B, window ${cfg.echoWindow})`,
      'msg/s', 'higher', { ratioMin: 2 }),
    m('echo.server_cpu_s', `server CPU for ${cfg.echoConns * cfg.echoMsgs} echoes`, 's', 'lower'),
    m('echo.client_cpu_pct', 'client CPU (bench itself; 100 = one core busy)', '%', 'info'),
    m('echo.errors', 'wrong or missing echoes', 'count', 'lower', { equals: 0 }),

    m('burst.lines_per_s', `output burst (seq 1 ${cfg.burstLines} to one client)`, 'lines/s', 'higher', { ratioMin: 2 }),
    m('burst.server_cpu_s', 'server CPU for the burst', 's', 'lower', { ratioBelow: 1 }),
    m('burst.client_cpu_pct', 'client CPU (bench itself; 100 = one core busy)', '%', 'info'),
    m('burst.lost_lines', 'lines missing or out of order', 'count', 'lower', { equals: 0 }),
  );
  const biggest = Math.max(...cfg.idleNs);
  for (const n of cfg.idleNs) {
    const p = `idle.n${n}`;
    defs.push(
      m(`${p}.open_s`, `${n} idle sessions: time to open all (${cfg.idleInflight} in flight)`, 's', 'lower',
        n === Math.min(...cfg.idleNs) ? { ratioMax: 1 } : null),
      m(`${p}.ready_s`, `${n} idle sessions: time until all children echo`, 's', 'lower'),
      m(`${p}.rss_kb_per_session`, `${n} idle sessions: server RSS per session`, 'kB', 'lower', { max: 50 }),
      m(`${p}.rss_mb`, `${n} idle sessions: server RSS`, 'MB', 'lower'),
      m(`${p}.threads`, `${n} idle sessions: server threads`, 'threads', 'lower'),
      m(`${p}.fds_per_session`, `${n} idle sessions: server fds per session`, 'fds', 'info'),
      m(`${p}.cleanup_s`, `${n} idle sessions: clients leave → children gone`, 's', 'lower'),
      m(`${p}.leftover_procs`, `${n} idle sessions: processes left afterwards`, 'procs', 'lower', { equals: 0 }),
      m(`${p}.errors`, `${n} idle sessions: sessions that failed`, 'count', 'lower', n === biggest ? { equals: 0 } : null),
    );
  }
  const kib = (b) => (b % 1048576 === 0 ? `${b / 1048576} MiB` : b % 1024 === 0 ? `${b / 1024} KiB` : `${b} B`);
  defs.push(
    m('large.big_ms', `the first ${kib(cfg.largeBig)} message echoed by a fresh server`, 'ms', 'lower', { ratioMax: 1 }),
    m('large.mid_seq_ms', `${kib(cfg.largeMid)} x${cfg.largeCount} echoed, sequential`, 'ms', 'lower'),
    m('large.mid_pipelined_ms', `${kib(cfg.largeMid)} x${cfg.largeCount} echoed, pipelined`, 'ms', 'lower'),
    m('large.errors', 'large messages not echoed intact', 'count', 'lower', { equals: 0 }),
  );
  return defs;
}

/** Human text of a target, e.g. ">= 1.2x" or "<= 50 kB". */
export function describeTarget(def) {
  const t = def.target;
  if (!t) return '';
  if (t.ratioMin !== undefined) return `ratio >= ${t.ratioMin}`;
  if (t.ratioMax !== undefined) return `ratio <= ${t.ratioMax}`;
  if (t.ratioBelow !== undefined) return `ratio < ${t.ratioBelow}`;
  if (t.max !== undefined) return def.unit === 'x' ? `<= ${t.max}x` : `<= ${t.max} ${def.unit}`;
  if (t.equals !== undefined) return `= ${t.equals}`;
  return '';
}

/** Ratio subject / baseline, NaN when either is missing or the baseline is 0. */
export function ratioOf(subject, baseline) {
  if (!Number.isFinite(subject) || !Number.isFinite(baseline) || baseline === 0) return NaN;
  return subject / baseline;
}

/** true / false when the target can be judged, null when it cannot (no target, no value, no baseline). */
export function targetMet(def, subject, baseline) {
  const t = def.target;
  if (!t || !Number.isFinite(subject)) return null;
  const r = ratioOf(subject, baseline);
  if (t.ratioMin !== undefined) return Number.isFinite(r) ? r >= t.ratioMin : null;
  if (t.ratioMax !== undefined) return Number.isFinite(r) ? r <= t.ratioMax : null;
  if (t.ratioBelow !== undefined) return Number.isFinite(r) ? r < t.ratioBelow : null;
  if (t.max !== undefined) return subject <= t.max;
  if (t.equals !== undefined) return subject === t.equals;
  return null;
}

/** A value for display: about three significant digits, integers as they are, '-' when not measured, 'fail'
 * when the measurement failed (recorded as NaN). */
export function formatValue(v) {
  if (v === undefined || v === null) return '-';
  if (!Number.isFinite(v)) return 'fail';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}
