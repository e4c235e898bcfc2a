#!/usr/bin/env node
// A broken implementation for the tests: it forwards the protocol to `kvm-oracle serve`
// and misbehaves on the first request that carries an operation of kind KIND:
//   node faulty.mjs hang|die|garbage|badschema|wrong|error KIND
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [mode, kind] = process.argv.slice(2);
const cli = new URL('../../bin/kvm-oracle.js', import.meta.url).pathname;
const child = spawn(process.execPath, [cli, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
const replies = createInterface({ input: child.stdout });
const waiting = [];
replies.on('line', (line) => waiting.shift()?.(line));

const carries = (req) => req.op?.kind === kind || (req.ops ?? []).some((o) => o.op.kind === kind);

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (carries(req)) {
    if (mode === 'hang') return; // never answers
    if (mode === 'die') {
      process.stderr.write(`faulty: segfault while handling ${kind}\n`);
      process.exit(139);
    }
    if (mode === 'garbage') return void process.stdout.write('Segmentation fault (core dumped) {\n');
    if (mode === 'badschema') {
      const msg = { apply: 'result', case: 'case', begin: 'ok', step: 'step' }[req.msg];
      return void process.stdout.write(JSON.stringify({ msg, extra: 1 }) + '\n');
    }
    if (mode === 'wrong') return void process.stdout.write(JSON.stringify({ msg: 'events', events: [] }) + '\n');
    if (mode === 'error') return void process.stdout.write(JSON.stringify({ msg: 'error', message: `cannot do ${kind}` }) + '\n');
  }
  waiting.push((reply) => process.stdout.write(reply + '\n'));
  child.stdin.write(line + '\n');
});
process.stdin.on('end', () => child.stdin.end());
