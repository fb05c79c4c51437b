// Reads what the benchmark measures about a server from /proc: CPU time, RSS, threads, descendants, and
// which process owns a listening port. Linux only, by design (the servers compared are Linux servers).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

function clockTicks() {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (n > 0) return n;
  } catch { /* fall through: USER_HZ is 100 on every mainstream Linux */ }
  return 100;
}
const CLK_TCK = clockTicks();

/** Fields of /proc/PID/stat, or null when the process is gone. `start` tells a reused PID apart. */
export function readStat(pid) {
  let s;
  try { s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1'); } catch { return null; }
  // the command name may contain spaces and parentheses: fields start after the last ')'
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { state: f[0], ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: f[19] };
}

/** User + system CPU seconds of the process itself (not of its reaped children), NaN when gone. */
export function cpuSeconds(pid) {
  const st = readStat(pid);
  return st ? st.ticks / CLK_TCK : NaN;
}

/** Resident set size (kB) and thread count from /proc/PID/status; NaN when gone. */
export function readStatus(pid) {
  let s;
  try { s = fs.readFileSync(`/proc/${pid}/status`, 'latin1'); } catch { return { rssKb: NaN, threads: NaN }; }
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(s);
  const thr = /^Threads:\s+(\d+)/m.exec(s);
  return { rssKb: rss ? Number(rss[1]) : NaN, threads: thr ? Number(thr[1]) : NaN };
}

/** Open file descriptors of the process, NaN when they cannot be read. */
export function countFds(pid) {
  try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch { return NaN; }
}

function allPids() {
  return fs.readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
}

/**
 * Every descendant of root (root excluded), found by walking ppid links over one scan of /proc:
 * the servers put each child in its own session, so process groups would miss them.
 */
export function descendants(root) {
  const byParent = new Map();
  for (const p of allPids()) {
    const st = readStat(p);
    if (!st) continue;
    if (!byParent.has(st.ppid)) byParent.set(st.ppid, []);
    byParent.get(st.ppid).push({ pid: Number(p), start: st.start, state: st.state });
  }
  const out = [];
  const queue = [root];
  // bounded: each pid is visited once because ppid links form a tree
  while (queue.length) {
    for (const c of byParent.get(queue.shift()) || []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** True when the process (pid, start) no longer has a /proc entry, i.e. it has exited and been reaped. */
export function isReaped(pid, start) {
  const st = readStat(pid);
  return !st || st.start !== start;
}

/**
 * The PID, root or one of its descendants, holding the LISTEN socket of port (the deepest one, so a wrapper
 * script that forks its server is seen through), or null.
 */
export function listenerPid(port, root) {
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let txt;
    try { txt = fs.readFileSync(table, 'latin1'); } catch { continue; }
    for (const line of txt.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 10 || c[3] !== '0A') continue; // 0A = TCP_LISTEN
      if (parseInt(c[1].split(':')[1], 16) === port) inodes.add(`socket:[${c[9]}]`);
    }
  }
  if (!inodes.size) return null;
  const candidates = [{ pid: root, depth: 0 }];
  const seen = new Map([[root, 0]]);
  for (const d of descendants(root)) {
    const depth = (seen.get(readStat(d.pid)?.ppid) ?? 0) + 1;
    seen.set(d.pid, depth);
    candidates.push({ pid: d.pid, depth });
  }
  let best = null;
  for (const c of candidates) {
    let fds;
    try { fds = fs.readdirSync(`/proc/${c.pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      let link;
      try { link = fs.readlinkSync(`/proc/${c.pid}/fd/${fd}`); } catch { continue; }
      if (inodes.has(link)) {
        if (!best || c.depth > best.depth) best = c;
        break;
      }
    }
  }
  return best ? best.pid : null;
}

/** Proportional set size (kB) from /proc/PID/smaps_rollup: shared pages split among the processes sharing them. */
export function readPssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
    return m ? Number(m[1]) : NaN;
  } catch { return NaN; }
}

/**
 * Memory and CPU of a process tree (root and its live descendants, zombies excluded): { rssKb, pssKb, procs,
 * cpuS }. RSS counts a page shared by forked processes once per process; PSS splits it, so it is the fairer sum
 * for a server that forks per connection. cpuS is the CPU of the live processes (not of reaped ones).
 */
export function treeUsage(root) {
  const pids = [root, ...descendants(root).filter((d) => d.state !== 'Z').map((d) => d.pid)];
  let rssKb = 0, pssKb = 0, cpuS = 0, procs = 0;
  for (const pid of pids) {
    const st = readStatus(pid);
    if (!Number.isFinite(st.rssKb)) continue;
    procs++;
    rssKb += st.rssKb;
    pssKb += readPssKb(pid) || 0;
    cpuS += cpuSeconds(pid) || 0;
  }
  return { rssKb, pssKb, procs, cpuS };
}
