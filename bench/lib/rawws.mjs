// A minimal RFC 6455 client for the scenarios where the client's own CPU would otherwise cap what can be
// measured (round trip, echo throughput, output burst): it parses frames in place without allocating per
// message, and writes every frame queued in one event-loop turn with one syscall. Handshakes, large
// messages and idle sessions use the `ws` package instead (wsclient.mjs).
import crypto from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_HEADER = 16384;

/** Random bytes for masking keys, drawn in bulk (every frame still gets a fresh, unpredictable key). */
class MaskPool {
  constructor() { this.buf = Buffer.alloc(0); this.pos = 0; }
  next4(out, at) {
    if (this.pos + 4 > this.buf.length) { this.buf = crypto.randomBytes(8192); this.pos = 0; }
    this.buf.copy(out, at, this.pos, this.pos + 4);
    this.pos += 4;
  }
}
const masks = new MaskPool();

/** A client frame: FIN set, masked with a fresh key, as RFC 6455 §5.3 asks of every client. */
export function encodeFrame(opcode, payload) {
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLen + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) { out[1] = 0x80 | 126; out.writeUInt16BE(len, 2); }
  else { out[1] = 0x80 | 127; out.writeUInt32BE(Math.floor(len / 2 ** 32), 2); out.writeUInt32BE(len >>> 0, 6); }
  masks.next4(out, headerLen);
  const k0 = out[headerLen], k1 = out[headerLen + 1], k2 = out[headerLen + 2], k3 = out[headerLen + 3];
  const base = headerLen + 4;
  for (let i = 0; i < len; i += 4) {
    out[base + i] = payload[i] ^ k0;
    if (i + 1 < len) out[base + i + 1] = payload[i + 1] ^ k1;
    if (i + 2 < len) out[base + i + 2] = payload[i + 2] ^ k2;
    if (i + 3 < len) out[base + i + 3] = payload[i + 3] ^ k3;
  }
  return out;
}

/**
 * One client connection. Nothing is read until listen(): onMessage(buf, start, end, isText, rsv1) then sees
 * each complete message (the bytes are only valid during the call; rsv1: its first frame had RSV1 set, i.e. it is
 * compressed when permessage-deflate was agreed), and onClose(code) is called once, when the connection ends
 * for any reason. responseHead holds the server's handshake response (status line and headers).
 */
export class RawWs {
  constructor(socket, rest) {
    this.socket = socket;
    this.rest = rest; // bytes that came with the handshake response: the server may talk at once
    this.listening = false;
    this.pending = null; // bytes of an incomplete frame
    this.fragments = null; // payloads of an unfinished fragmented message
    this.fragmentText = false;
    this.queue = [];
    this.flushScheduled = false;
    this.closed = false;
    this.closeSent = false;
    this.closeCode = null;
    this.onMessage = () => {};
    this.onClose = () => {};
    socket.pause();
    socket.on('data', (chunk) => this.#feed(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#ended());
  }

  /** Sets the handlers and starts reading (first the bytes that arrived with the handshake). */
  listen({ onMessage, onClose }) {
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.listening = true;
    const rest = this.rest;
    this.rest = null;
    if (rest.length) this.#feed(rest);
    if (this.closed) this.onClose(this.closeCode ?? 1006);
    else this.socket.resume();
  }

  /** Opens a connection to ws://127.0.0.1:port/path; rejects on any handshake problem or after timeoutMs. */
  static connect(url, timeoutMs = 10000, extraHeaders = '') {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64');
      const socket = net.connect({ host: u.hostname, port: Number(u.port) });
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const fail = (why) => { clearTimeout(timer); socket.destroy(); reject(new Error(why)); };
      const timer = setTimeout(() => fail(`handshake timed out after ${timeoutMs} ms`), timeoutMs);
      socket.once('error', (e) => fail(e.message));
      socket.once('connect', () => {
        socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`);
      });
      const onData = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) { if (head.length > MAX_HEADER) fail('handshake response too long'); return; }
        socket.removeListener('data', onData);
        socket.removeAllListeners('error');
        clearTimeout(timer);
        const text = head.subarray(0, end).toString('latin1');
        const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
        const got = /^sec-websocket-accept:\s*(\S+)/im.exec(text);
        if (!/^HTTP\/1\.1 101/.test(text)) { fail(`handshake refused: ${text.split('\r\n')[0]}`); return; }
        if (!got || got[1] !== accept) { fail('bad Sec-WebSocket-Accept'); return; }
        const raw = new RawWs(socket, head.subarray(end + 4));
        raw.responseHead = text;
        resolve(raw);
      };
      socket.on('data', onData);
    });
  }

  /** Queues a text message; everything queued in one event-loop turn goes out in one write. */
  sendText(payload) { this.#queue(encodeFrame(0x1, payload)); }

  /** Queues a frame with these opcode and RSV bits (e.g. 0x41: text, RSV1 = compressed), FIN set. */
  sendFrame(bits, payload) { this.#queue(encodeFrame(bits, payload)); }

  /** Sends a close frame (code 1000) and ends the socket when the server answers, or after timeoutMs. */
  close(timeoutMs = 2000) {
    if (this.closed) return Promise.resolve();
    if (!this.closeSent) {
      this.closeSent = true;
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      this.#queue(encodeFrame(0x8, code));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.socket.destroy(); resolve(); }, timeoutMs);
      this.socket.once('close', () => { clearTimeout(timer); resolve(); });
    });
  }

  destroy() { this.socket.destroy(); }

  #queue(frame) {
    this.queue.push(frame);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      const q = this.queue;
      this.queue = [];
      if (!this.socket.destroyed) this.socket.write(q.length === 1 ? q[0] : Buffer.concat(q));
    });
  }

  #feed(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let pos = 0;
    // bounded: each pass consumes one whole frame or stops
    while (pos + 2 <= buf.length) {
      const b0 = buf[pos], b1 = buf[pos + 1];
      let len = b1 & 0x7f, off = pos + 2;
      if (len === 126) { if (off + 2 > buf.length) break; len = buf.readUInt16BE(off); off += 2; }
      else if (len === 127) { if (off + 8 > buf.length) break; len = buf.readUInt32BE(off) * 2 ** 32 + buf.readUInt32BE(off + 4); off += 8; }
      const masked = (b1 & 0x80) !== 0;
      if (masked) off += 4;
      if (off + len > buf.length) break;
      if (masked) { this.#protocolError('masked frame from server'); return; }
      this.#frame(b0 & 0x80, b0 & 0x0f, buf, off, off + len, (b0 & 0x40) !== 0);
      if (this.closed) return;
      pos = off + len;
    }
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos)); // a copy: chunk may be reused
  }

  #frame(fin, opcode, buf, start, end, rsv1) {
    if (opcode === 0x1 || opcode === 0x2) {
      if (fin) this.onMessage(buf, start, end, opcode === 0x1, rsv1);
      else {
        this.fragments = [Buffer.from(buf.subarray(start, end))];
        this.fragmentText = opcode === 0x1;
        this.fragmentRsv1 = rsv1;
      }
    } else if (opcode === 0x0) {
      if (!this.fragments) { this.#protocolError('continuation without a first frame'); return; }
      this.fragments.push(Buffer.from(buf.subarray(start, end)));
      if (fin) {
        const msg = Buffer.concat(this.fragments);
        this.fragments = null;
        this.onMessage(msg, 0, msg.length, this.fragmentText, this.fragmentRsv1);
      }
    } else if (opcode === 0x8) {
      this.closeCode = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
      if (!this.closeSent) { // answer a close the server started; ours needs no second one
        this.closeSent = true;
        this.#queue(encodeFrame(0x8, buf.subarray(start, Math.min(end, start + 2))));
      }
      process.nextTick(() => this.socket.end());
    } else if (opcode === 0x9) {
      this.#queue(encodeFrame(0xa, Buffer.from(buf.subarray(start, end))));
    }
    // 0xA (pong) and reserved opcodes: ignored
  }

  #protocolError(why) {
    this.protocolError = why;
    this.socket.destroy();
  }

  #ended() {
    if (this.closed) return;
    this.closed = true;
    if (this.listening) this.onClose(this.closeCode ?? 1006);
  }
}
