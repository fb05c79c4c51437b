// Scenario `compress` (issue 15): the server under test's echo and output burst without and with permessage-
// deflate (`--compress`, COMPRESS_FLAGS) on compressible text (JSON-like lines). Reports messages per second,
// server CPU and the bytes on the wire (the client's TCP socket: bytesRead + bytesWritten after the handshake).
// The server under test only: the baseline (websocketd) has no compression.
//
// The client is rawws.mjs offering `permessage-deflate; client_max_window_bits` (as Chromium does) in both runs
// (a server without --compress declines it). Its own share of the work is kept off the measured path: what each
// connection sends is known in advance, so it is compressed before the run, as one deflate stream per
// connection (context kept between messages, as a browser does), and what it receives is inflated after the
// run, all at once (the server also keeps its context, so the payloads of a connection, each followed by
// 00 00 ff ff, form one deflate stream), and checked byte for byte against what was expected. The `ws` client inflates each message in a round trip to libuv's thread pool
// and could not be seen to receive more than about 2,000 compressed messages per second per connection here.
import zlib from 'node:zlib';
import { m } from './metrics.mjs';
import { cpuSeconds } from './procfs.mjs';
import { now, pool, sleep } from './wsclient.mjs';

const VARIANTS = ['off', 'on'];
const OFFER = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const clientCpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** A compressible message of `size` bytes: JSON-like, a counter in it so that no two are equal, no newline. */
function jsonMessage(c, i, size) {
  const head = `{"conn":${c},"seq":${i},"event":"sample","status":"ok","host":"bench.example","note":"`;
  let body = '';
  while (head.length + body.length + 2 < size) body += 'the quick brown fox jumps over the lazy dog; ';
  return Buffer.from(`${head}${body.slice(0, Math.max(0, size - head.length - 2))}"}`);
}

/** Line i of jsonlines.sh (the same text as the awk program below writes). */
const LINE_TAIL = ',"event":"sample","status":"ok","host":"bench.example","tags":["alpha","beta","gamma"],' +
  '"note":"the quick brown fox jumps over the lazy dog"}';
const burstLine = (i) => `{"seq":${i}${LINE_TAIL}`;
const awkString = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * The permessage-deflate payloads of a sequence of messages sent on one connection: one deflate stream, flushed
 * after each message, its 00 00 ff ff tail removed (RFC 7692 §7.2.1).
 */
async function deflateSequence(messages) {
  const d = zlib.createDeflateRaw();
  let chunks = [];
  d.on('data', (c) => chunks.push(c));
  const out = [];
  for (const msg of messages) {
    d.write(msg);
    await new Promise((resolve) => d.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
    const b = Buffer.concat(chunks);
    chunks = [];
    if (b.length < 4 || !b.subarray(b.length - 4).equals(TAIL)) throw new Error('deflate: a flushed message does not end in 00 00 ff ff');
    out.push(b.subarray(0, b.length - 4));
  }
  d.close();
  return out;
}

const agreed = (raw) => /^sec-websocket-extensions:.*permessage-deflate/im.test(raw.responseHead || '');
const wire = (raw) => raw.socket.bytesRead + raw.socket.bytesWritten;

/**
 * What one connection received, kept for the check after the run: plain messages as they are, compressed ones
 * with the tail that makes their concatenation one deflate stream.
 */
class Received {
  constructor() { this.plain = []; this.deflated = []; this.count = 0; }
  add(buf, start, end, rsv1) {
    this.count++;
    if (rsv1) this.deflated.push(Buffer.from(buf.subarray(start, end)), TAIL);
    else this.plain.push(Buffer.from(buf.subarray(start, end)));
  }
  /** The received text, inflated; messages either all compressed or all plain, else null. */
  text() {
    if (this.deflated.length && this.plain.length) return null;
    if (!this.deflated.length) return Buffer.concat(this.plain);
    return zlib.inflateRawSync(Buffer.concat(this.deflated), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  }
}

function checkAgreement(ctx, variant, raws) {
  const got = raws.filter(agreed).length;
  if (variant === 'on' && got !== raws.length) throw new Error(`permessage-deflate agreed on ${got} of ${raws.length} connections`);
  if (variant === 'off' && got) throw new Error(`permessage-deflate agreed without ${ctx.cfg.compressFlags}`);
}

async function echoRun(ctx, variant) {
  const { compressConns, compressMsgs, compressSize, compressWindow, connTimeoutMs } = ctx.cfg;
  const p = `compress.echo.${variant}`;
  const cycle = Math.min(200, compressMsgs);
  const payloads = Array.from({ length: compressConns }, (_, c) =>
    Array.from({ length: cycle }, (_, i) => jsonMessage(c, i, compressSize)));
  const sequence = (c) => Array.from({ length: compressMsgs }, (_, i) => payloads[c][i % cycle]);
  const frames = variant === 'on'
    ? await Promise.all(payloads.map((_, c) => deflateSequence(sequence(c))))
    : payloads.map((_, c) => sequence(c));
  const bits = variant === 'on' ? 0x41 : 0x1; // text, RSV1 when compressed
  let errors = 0;
  await ctx.withServer(ctx.progs.cat, `compress-echo-${variant}`, async (info) => {
    const socks = await pool(compressConns, 16, () => ctx.tracker.openRaw(ctx.srv.url, OFFER));
    checkAgreement(ctx, variant, socks);
    const received = socks.map(() => new Received());
    const wire0 = socks.reduce((s, raw) => s + wire(raw), 0);
    const cpu0 = cpuSeconds(info.pid), client0 = clientCpuSeconds();
    const t0 = now();
    const outcomes = await Promise.all(socks.map((raw, c) => new Promise((resolve) => {
      let sent = 0;
      const got = received[c];
      const timer = setTimeout(() => resolve(`conn ${c}: ${got.count}/${compressMsgs} echoes, then ${connTimeoutMs} ms quiet`), connTimeoutMs);
      raw.listen({
        onMessage: (buf, start, end, isText, rsv1) => {
          got.add(buf, start, end, rsv1);
          timer.refresh();
          if (sent < compressMsgs) raw.sendFrame(bits, frames[c][sent++]);
          if (got.count === compressMsgs) { clearTimeout(timer); resolve(null); }
        },
        onClose: (code) => { clearTimeout(timer); resolve(`conn ${c}: closed (code ${code}) after ${got.count} echoes`); },
      });
      while (sent < Math.min(compressWindow, compressMsgs)) raw.sendFrame(bits, frames[c][sent++]);
    })));
    const seconds = (now() - t0) / 1000;
    const total = received.reduce((s, r) => s + r.count, 0);
    ctx.rec(`${p}.msgs_per_s`, total / seconds);
    ctx.rec(`${p}.server_cpu_s`, cpuSeconds(info.pid) - cpu0);
    ctx.rec(`${p}.client_cpu_pct`, ((clientCpuSeconds() - client0) / seconds) * 100);
    ctx.rec(`${p}.wire_b_per_msg`, (socks.reduce((s, raw) => s + wire(raw), 0) - wire0) / Math.max(1, total));
    errors += compressConns * compressMsgs - total;
    // every echo checked, after the clock stopped
    received.forEach((r, c) => {
      const want = Buffer.concat(Array.from({ length: r.count }, (_, i) => payloads[c][i % cycle]));
      const text = r.text();
      if (!text || !want.equals(text)) {
        errors++;
        ctx.note(`compress echo ${variant}: conn ${c}: the echoes differ from what was sent (${text ? text.length : 'mixed'} B against ${want.length})`);
      }
    });
    const failed = outcomes.filter(Boolean);
    if (failed.length) ctx.note(`compress echo ${variant}: ${failed.length} connection(s) failed, first: ${failed[0]}`);
    for (const raw of socks) raw.onClose = () => {};
    await Promise.all(socks.map((raw) => raw.close()));
  }, { flags: variant === 'on' ? ctx.cfg.compressFlags : '' });
  return errors;
}

async function burstRun(ctx, variant) {
  const { compressLines, connTimeoutMs } = ctx.cfg;
  const p = `compress.burst.${variant}`;
  let errors = 0;
  await ctx.withServer(ctx.progs.jsonlines, `compress-burst-${variant}`, async (info) => {
    const cpu0 = cpuSeconds(info.pid), client0 = clientCpuSeconds();
    const t0 = now();
    const raw = await ctx.tracker.openRaw(ctx.srv.url, OFFER);
    checkAgreement(ctx, variant, [raw]);
    const got = new Received();
    const wire0 = wire(raw);
    let tLast = now();
    const closeCode = await new Promise((resolve) => {
      const timer = setTimeout(() => { raw.destroy(); resolve('none: quiet for too long'); }, connTimeoutMs);
      raw.listen({
        onMessage: (buf, start, end, isText, rsv1) => { got.add(buf, start, end, rsv1); tLast = now(); timer.refresh(); },
        onClose: (code) => { clearTimeout(timer); resolve(code); },
      });
    });
    const seconds = (tLast - t0) / 1000;
    ctx.rec(`${p}.lines_per_s`, got.count / seconds);
    ctx.rec(`${p}.server_cpu_s`, cpuSeconds(info.pid) - cpu0);
    ctx.rec(`${p}.client_cpu_pct`, ((clientCpuSeconds() - client0) / seconds) * 100);
    ctx.rec(`${p}.wire_b_per_line`, (wire(raw) - wire0) / Math.max(1, got.count));
    const want = Array.from({ length: compressLines }, (_, i) => burstLine(i + 1)).join('');
    const text = got.text();
    const intact = got.count === compressLines && text !== null && text.toString() === want;
    if (!intact) {
      errors += Math.max(1, compressLines - got.count);
      ctx.note(`compress burst ${variant}: ${got.count}/${compressLines} lines, close ${closeCode}, ` +
        `${text === null ? 'compressed and plain messages mixed' : `${text.length} B of text against ${want.length}`}`);
    }
  }, { flags: variant === 'on' ? ctx.cfg.compressFlags : '' });
  return errors;
}

async function run(ctx) {
  if (ctx.srv.role !== 'subject') return; // websocketd has no compression
  let errors = 0;
  for (const v of VARIANTS) {
    errors += await echoRun(ctx, v);
    await sleep(ctx.cfg.pauseMs);
  }
  for (const v of VARIANTS) {
    errors += await burstRun(ctx, v);
    await sleep(ctx.cfg.pauseMs);
  }
  ctx.rec('compress.errors', errors);
}

export default {
  name: 'compress',
  config: (env) => ({
    compressFlags: process.env.COMPRESS_FLAGS || '--compress',
    compressConns: env.int('COMPRESS_CONNS', 10, 10),
    compressMsgs: env.int('COMPRESS_MSGS', 5000, 2000),
    compressSize: env.int('COMPRESS_SIZE', 512, 512),
    compressWindow: env.int('COMPRESS_WINDOW', 20, 20),
    compressLines: env.int('COMPRESS_LINES', 200000, 100000),
  }),
  programs: (cfg) => ({
    // 150-160-byte JSON-like lines, a counter in each: above --compressmin's default (128)
    jsonlines: `exec awk -v n=${cfg.compressLines} 'BEGIN { for (i = 1; i <= n; i++) ` +
      `printf "{\\"seq\\":%d${awkString(LINE_TAIL)}\\n", i }'`,
  }),
  metrics: (cfg) => {
    const both = (key, label, unit, better) => VARIANTS.map((v) =>
      m(`compress.${key.replace('{v}', v)}`, `${v === 'on' ? 'deflate' : 'plain  '}: ${label}`, unit, better));
    return [
      ...both('echo.{v}.msgs_per_s', `echo, ${cfg.compressConns} clients, ${cfg.compressSize} B JSON`, 'msg/s', 'higher'),
      ...both('echo.{v}.server_cpu_s', `server CPU, ${cfg.compressConns * cfg.compressMsgs} echoes`, 's', 'lower'),
      ...both('echo.{v}.wire_b_per_msg', 'bytes on the wire per echo, both ways', 'B', 'lower'),
      ...both('echo.{v}.client_cpu_pct', 'client CPU during the echoes', '%', 'info'),
      ...both('burst.{v}.lines_per_s', `burst of ${cfg.compressLines} JSON lines (~155 B)`, 'lines/s', 'higher'),
      ...both('burst.{v}.server_cpu_s', 'server CPU for the burst', 's', 'lower'),
      ...both('burst.{v}.wire_b_per_line', 'bytes on the wire per line', 'B', 'lower'),
      ...both('burst.{v}.client_cpu_pct', 'client CPU during the burst', '%', 'info'),
      m('compress.errors', 'wrong or missing messages, or deflate not agreed', 'count', 'lower', { equals: 0 }),
    ];
  },
  deadlineMs: () => 300000,
  run,
};
