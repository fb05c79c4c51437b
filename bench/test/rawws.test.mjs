// Checks the bench's own RFC 6455 client (lib/rawws.mjs) against the `ws` server: frame lengths at every
// boundary, fragmented messages, ping/pong, masking and the close handshake. Run: (cd bench && npm test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { RawWs } from '../lib/rawws.mjs';

const require = createRequire(import.meta.url);
const { WebSocketServer } = require('ws');

function echoServer(onConnection) {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * 1024 * 1024 }, () => resolve(wss));
    wss.on('connection', onConnection);
  });
}

/** Starts listening on raw and hands out its messages one by one. */
function messages(raw) {
  const queue = [], waiters = [];
  raw.listen({
    onMessage: (buf, start, end, isText) => {
      const m = { data: Buffer.from(buf.subarray(start, end)), isText };
      if (waiters.length) waiters.shift()(m); else queue.push(m);
    },
    onClose: () => {},
  });
  return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve)));
}

test('echoes messages of every length class intact', async () => {
  const wss = await echoServer((ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })));
  try {
    const raw = await RawWs.connect(`ws://127.0.0.1:${wss.address().port}/`);
    const nextMessage = messages(raw);
    for (const len of [0, 1, 125, 126, 127, 65535, 65536, 1048576]) {
      const payload = Buffer.alloc(len, 'x');
      if (len) payload[len - 1] = 0x79;
      const got = nextMessage();
      raw.sendText(payload);
      const { data, isText } = await got;
      assert.equal(isText, true);
      assert.ok(payload.equals(data), `length ${len}`);
    }
    await raw.close();
  } finally {
    wss.close();
  }
});

test('joins fragmented messages, answers pings and reports the close code', async () => {
  let pongs = 0;
  const wss = await echoServer((ws) => {
    ws.on('pong', () => { pongs++; ws.close(4001); });
    ws.send('ab', { fin: false });
    ws.send('cd', { fin: true });
    ws.ping('p');
  });
  try {
    const raw = await RawWs.connect(`ws://127.0.0.1:${wss.address().port}/`);
    const closed = new Promise((resolve) => {
      raw.listen({ onMessage: (buf, start, end) => { raw.got = buf.toString('utf8', start, end); }, onClose: resolve });
    });
    assert.equal(await closed, 4001);
    assert.equal(raw.got, 'abcd');
    assert.equal(pongs, 1);
  } finally {
    wss.close();
  }
});

test('rejects a server that does not upgrade', async () => {
  const wss = await echoServer(() => {});
  const port = wss.address().port;
  wss.close();
  await assert.rejects(RawWs.connect(`ws://127.0.0.1:${port}/`));
});
