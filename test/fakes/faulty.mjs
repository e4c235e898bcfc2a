#!/usr/bin/env node
// A broken implementation for the tests: it forwards the protocol to `kvm-oracle serve`
// and misbehaves on the first request that carries an operation of kind KIND:
//   node faulty.mjs hang|die|garbage|badschema|wrong|error KIND
// or, a transport that loses a line (the implementation behind it is correct):
//   node faulty.mjs drop|dup|swap|droprequest|dropevent KIND
// drop: the reply is lost; dup: it is sent twice; swap: it is held back and sent after the
// next reply; droprequest: the request never reaches the implementation; dropevent: the
// first reply from then on that has events loses its last one.
// Any further arguments name the implementation behind it (default `kvm-oracle serve`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [mode, kind, ...behind] = process.argv.slice(2);
const cli = new URL('../../bin/kvm-oracle.js', import.meta.url).pathname;
const [command, ...args] = behind.length ? behind : [process.execPath, cli, 'serve'];
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const replies = createInterface({ input: child.stdout });
const waiting = [];
replies.on('line', (line) => waiting.shift()?.(line));
let held = null;
const write = (reply) => {
  process.stdout.write(reply + '\n');
  if (held !== null) [held, reply] = [null, held], process.stdout.write(reply + '\n');
};
let tripped = false;

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
  const lose = carries(req) && !tripped;
  if (lose) tripped = true;
  if (lose && mode === 'droprequest') return;
  if (lose && mode === 'drop') return void (waiting.push(() => {}), child.stdin.write(line + '\n'));
  if (lose && mode === 'dup') return void (waiting.push((reply) => (write(reply), write(reply))), child.stdin.write(line + '\n'));
  if ((lose || tripped) && mode === 'dropevent') {
    return void (waiting.push((reply) => {
      const r = JSON.parse(reply);
      const events = r.events ?? r.steps?.findLast((s) => s.events.length)?.events;
      if (!tripped || !events?.length) return write(reply);
      events.pop();
      tripped = false;
      write(JSON.stringify(r));
    }), child.stdin.write(line + '\n'));
  }
  if (lose && mode === 'swap') return void (waiting.push((reply) => void (held = reply)), child.stdin.write(line + '\n'));
  waiting.push(write);
  child.stdin.write(line + '\n');
});
process.stdin.on('end', () => child.stdin.end());
