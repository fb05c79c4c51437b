#!/usr/bin/env node
// Greets every line it receives; ends when the client leaves (stdin EOF).
//   wsbridge --port=8080 examples/nodejs/greeter.js
// readline splits stdin into lines (a 'data' chunk may hold several lines, or half of one). Node hands each
// write to the pipe at once (it keeps nothing back waiting for a block to fill), so no flush is needed.
'use strict';
const readline = require('readline');

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on('line', (line) => process.stdout.write(`Hello ${line}!\n`));
