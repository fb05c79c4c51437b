// Starts one server from a command template on a free 127.0.0.1 port, waits until it accepts, and stops it
// again by PID, ending any descendant it leaves behind. Every wait is bounded in time.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { cpuSeconds, descendants, isReaped, listenerPid, readStat } from './procfs.mjs';
import { sleep, now } from './wsclient.mjs';

/** Servers still running, so that an interrupted run can end them by PID on the way out. */
const live = new Set();

export function killAllNow() {
  for (const s of live) s.killNow();
}

/** Stops every running server the normal way (SIGTERM, then SIGKILL, then its leftovers). */
export async function stopAll() {
  await Promise.all([...live].map((s) => s.stop()));
}

/** POSIX shell quoting for the program path substituted into {prog}. */
function shellQuote(s) {
  return /^[A-Za-z0-9_./=:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function canBind(port, host) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * A port below Linux's ephemeral range (32768-60999 by default), so that the client's own outgoing
 * connections never compete for it, and bindable on both 127.0.0.1 and the wildcard.
 */
async function freePort() {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if ((await canBind(port, '127.0.0.1')) && ((await canBind(port, '::')) || (await canBind(port, '0.0.0.0')))) {
      return port;
    }
  }
  throw new Error('no free port found in 200 tries');
}

function accepts(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Expands a template: {port}, {prog} (shell-quoted) and {flags}; without {flags}, flags go before {prog}. */
export function expandTemplate(template, { port, prog, flags = '' }) {
  let t = template;
  if (!t.includes('{flags}')) t = t.replace('{prog}', flags ? `{flags} {prog}` : '{prog}');
  return t.replaceAll('{flags}', flags).replaceAll('{port}', String(port)).replaceAll('{prog}', shellQuote(prog));
}

/** One server under test: a name and a command template; start() and stop() may be called many times. */
export class Server {
  constructor({ name, template, role = 'subject', cwd, logDir, startTimeoutMs = 30000, stopTimeoutMs = 5000 }) {
    this.name = name;
    this.role = role;
    this.template = template;
    this.cwd = cwd;
    this.logDir = logDir;
    this.startTimeoutMs = startTimeoutMs;
    this.stopTimeoutMs = stopTimeoutMs;
    this.child = null;
    this.pid = null;
    this.port = null;
    this.exitInfo = null;
    this.starts = 0;
  }

  /**
   * Starts the server serving prog; resolves with { pid, port, acceptMs, command } once 127.0.0.1:port accepts
   * a TCP connection. `pid` is the process holding the listening socket (the launched one when it execs).
   */
  async start(prog, { label, flags = '', env = {} } = {}) {
    if (this.child) throw new Error(`${this.name}: already running`);
    const port = await freePort();
    const command = expandTemplate(this.template, { port, prog, flags });
    const logFile = path.join(this.logDir, `${this.name}-${label}-${++this.starts}.log`);
    const logFd = fs.openSync(logFile, 'w');
    const t0 = now();
    // detached: the server gets its own process group, so a terminal's Ctrl-C reaches only this tool,
    // which then stops the server the same way as at the end of a scenario.
    const child = spawn('bash', ['-c', command],
      { cwd: this.cwd, env: { ...process.env, ...env }, stdio: ['ignore', logFd, logFd], detached: true });
    fs.closeSync(logFd);
    this.child = child;
    this.exitInfo = null;
    this.port = port;
    this.pid = child.pid;
    this.logFile = logFile;
    live.add(this);
    child.once('exit', (code, signal) => { this.exitInfo = { code, signal }; });
    child.once('error', (e) => { this.exitInfo = { code: null, signal: null, error: e.message }; });

    // bounded: at most startTimeoutMs, one probe every 5 ms
    const deadline = t0 + this.startTimeoutMs;
    for (;;) {
      if (await accepts(port)) break;
      if (this.exitInfo) {
        const info = this.exitInfo;
        this.#forget();
        throw new Error(`${this.name} exited before accepting (${describeExit(info)}); ${tail(logFile)}`);
      }
      if (now() > deadline) {
        await this.stop();
        throw new Error(`${this.name}: port ${port} not accepting after ${this.startTimeoutMs} ms; ${tail(logFile)}`);
      }
      await sleep(5);
    }
    const acceptMs = now() - t0;
    this.pid = listenerPid(port, child.pid) ?? child.pid;
    const acceptCpuMs = cpuSeconds(this.pid) * 1000;
    return { pid: this.pid, port, acceptMs, acceptCpuMs, command };
  }

  get url() { return `ws://127.0.0.1:${this.port}/`; }

  /**
   * Stops the server with SIGTERM (SIGKILL after stopTimeoutMs) and then kills, by PID and start time, every
   * descendant it left behind. Resolves with { exit, strays }.
   */
  async stop() {
    if (!this.child) return { exit: null, strays: 0 };
    const launched = this.child.pid;
    const before = descendants(launched).filter((d) => d.pid !== this.pid);
    const signalBoth = (sig) => {
      for (const pid of new Set([this.pid, launched])) { try { process.kill(pid, sig); } catch { /* gone */ } }
    };
    signalBoth('SIGTERM');
    const gone = () => this.exitInfo && isGoneOrZombie(this.pid);
    let t = now();
    while (!gone() && now() - t < this.stopTimeoutMs) await sleep(20);
    if (!gone()) {
      signalBoth('SIGKILL');
      t = now();
      while (!gone() && now() - t < 2000) await sleep(20);
    }
    const exit = this.exitInfo ? describeExit(this.exitInfo) : 'did not exit after SIGKILL';
    // children that saw their stdin close exit by themselves: give them a moment before calling them strays
    const lingering = () => before.filter((d) => !isReaped(d.pid, d.start) && readStat(d.pid)?.state !== 'Z');
    t = now();
    while (lingering().length && now() - t < 2000) await sleep(50);
    let strays = 0;
    for (const d of lingering()) {
      try { process.kill(d.pid, 'SIGKILL'); strays++; } catch { /* gone meanwhile */ }
    }
    this.#forget();
    return { exit, strays };
  }

  /** Synchronous last resort for process exit: SIGKILL by PID, nothing else. */
  killNow() {
    if (!this.child) return;
    for (const pid of new Set([this.pid, this.child.pid])) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }

  #forget() {
    live.delete(this);
    this.child = null;
  }
}

function isGoneOrZombie(pid) {
  const st = readStat(pid);
  return !st || st.state === 'Z' || st.state === 'X';
}

function describeExit({ code, signal, error }) {
  if (error) return `spawn error: ${error}`;
  return signal ? `signal ${signal}` : `exit status ${code}`;
}

/** The last line of a server's log, and where the whole log is. */
function tail(file) {
  let last = '';
  try { last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').pop().slice(-160); } catch { /* no log */ }
  return `log ${file}${last ? `, last line: ${JSON.stringify(last)}` : ' is empty'}`;
}
