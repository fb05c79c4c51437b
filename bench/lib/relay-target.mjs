#!/usr/bin/env node
// The TCP target of the relay scenario (lib/relay.mjs), run as its own process so that its CPU is neither the
// client's nor the server's. Listens on 127.0.0.1 (a free port, printed as "port N" on stdout) and serves each
// connection by the first line the client sends through the relay:
//   "echo\n"      every byte after the line comes back
//   "sink N\n"    the next N bytes are read and dropped, then "done\n" is written
//   "source N\n"  N bytes are written (with backpressure), then the connection stays open until the client leaves
// Anything else closes the connection. It exits when its stdin closes (the bench ending it or dying).
import net from 'node:net';

const CHUNK = Buffer.alloc(64 * 1024, 'relay-target-source-bytes.');

function serve(sock) {
  sock.setNoDelay(true);
  let head = Buffer.alloc(0);
  const onData = (data) => {
    head = Buffer.concat([head, data]);
    const nl = head.indexOf(10);
    if (nl < 0) {
      if (head.length > 100) sock.destroy();
      return;
    }
    sock.removeListener('data', onData);
    const [cmd, arg] = head.toString('latin1', 0, nl).split(' ');
    const rest = head.subarray(nl + 1);
    const n = Number(arg);
    if (cmd === 'echo') {
      if (rest.length) sock.write(rest);
      sock.pipe(sock);
    } else if (cmd === 'sink' && Number.isInteger(n) && n >= 0) {
      let left = n - rest.length;
      const check = () => { if (left <= 0) { sock.removeListener('data', count); sock.write('done\n'); } };
      const count = (d) => { left -= d.length; check(); };
      sock.on('data', count);
      check();
    } else if (cmd === 'source' && Number.isInteger(n) && n >= 0) {
      let left = n;
      const pump = () => {
        while (left > 0) {
          const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= piece.length;
          if (!sock.write(piece)) { sock.once('drain', pump); return; }
        }
      };
      sock.on('data', () => {});
      pump();
    } else {
      sock.destroy();
    }
  };
  sock.on('data', onData);
  sock.on('error', () => {});
}

const server = net.createServer(serve);
server.maxConnections = 100000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
