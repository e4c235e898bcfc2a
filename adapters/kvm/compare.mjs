#!/usr/bin/env node
// Samples x86 cases of the operations the real-KVM adapter declares, runs each on the
// model (dist/) and on the adapter, and groups the first divergence of every case by
// operation and the two answers: a quick survey of where the model and this kernel differ.
// Usage: node adapters/kvm/compare.mjs [--runs N] [--seed N]   (after npm run build, build:kvm)
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { opArb } from '../../dist/fuzz/gen/arbitraries-x86.js';
import { initialState } from '../../dist/model/state.js';
import { step } from '../../dist/model/step.js';
import { abstractModel } from '../../dist/model/abstract.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const runs = arg('--runs', 200);
const seed = arg('--seed', 1);
const BIN = new URL('./build/kvm-oracle-kvm', import.meta.url).pathname;
const config = { vendor: 'vmx', tdp: false };

const hello = JSON.parse(spawnSync(BIN, ['--probe'], { encoding: 'utf8' }).stdout);
const declared = new Set(hello.ops);
const prelude = [
  { kind: 'createVm', vm: 0 }, { kind: 'setMemoryRegion', vm: 0, slot: 0, gfn: 0, npages: 32 }, { kind: 'createVcpu', vm: 0, vcpu: 0 },
];
const toLong = [
  { kind: 'setCr', vm: 0, vcpu: 0, reg: 'efer', value: 0x100 }, { kind: 'setCr', vm: 0, vcpu: 0, reg: 'cr4', value: 0x20 },
  { kind: 'setCr', vm: 0, vcpu: 0, reg: 'cr0', value: 0x80000011 },
];
const caseArb = fc.tuple(fc.boolean(), fc.array(opArb(1).filter((o) => declared.has(o.kind)), { minLength: 1, maxLength: 12 }))
  .map(([long, body]) => [...prelude, ...(long ? toLong : []), ...body]);
const cases = fc.sample(caseArb, { numRuns: runs, seed });

const regs = (s) => s.vms.map((v) => ({ vm: v.vm, slots: v.slots, vcpus: v.vcpus.map(({ vcpu, cr0, cr3, cr4, efer }) => ({ vcpu, cr0, cr3, cr4, efer })) }));
const input = cases.map((ops) => JSON.stringify({ msg: 'case', config, mutant: null, ops: ops.map((op) => ({ tid: 0, op })), states: true })).join('\n') + '\n';
const out = spawnSync(BIN, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
const replies = out.stdout.trim().split('\n').map((l) => JSON.parse(l));

const groups = new Map();
let unsupported = 0, agreed = 0;
const note = (key, ops, i) => {
  const g = groups.get(key) ?? { count: 0, example: null };
  g.count++;
  if (!g.example || ops.length < g.example.length) g.example = ops.slice(0, i + 1);
  groups.set(key, g);
};
cases.forEach((ops, c) => {
  const reply = replies[c];
  let state = initialState(config);
  for (let i = 0; i < ops.length; i++) {
    if (reply.error && reply.error.index === i) {
      unsupported++;
      note(`unsupported ${ops[i].kind}: ${reply.error.message}`, ops, i);
      return;
    }
    const m = step(state, ops[i]);
    state = m.state;
    const k = reply.steps[i];
    if (JSON.stringify(k.result) !== JSON.stringify(m.result)) {
      const before = i > 0 ? reply.steps[i - 1].state.vms.find((v) => v.vm === ops[i].vm)?.vcpus.find((v) => v.vcpu === ops[i].vcpu) : undefined;
      const detail = ops[i].kind === 'setCr' && before
        ? ` ${ops[i].reg}=0x${ops[i].value.toString(16)} from cr0=0x${before.cr0.toString(16)} cr4=0x${before.cr4.toString(16)} efer=0x${before.efer.toString(16)}`
        : ops[i].kind === 'setMemoryRegion'
          ? ` slot ${ops[i].slot} npages ${ops[i].npages === 0 ? '0' : '>0'} flags ${ops[i].flags ?? 0}${reply.steps[i - 1]?.state.vms.find((v) => v.vm === ops[i].vm)?.slots.some((x) => x.slot === ops[i].slot) ? ' (slot exists)' : ''}`
          : '';
      note(`${ops[i].kind}${detail}: model ${JSON.stringify(m.result)} kernel ${JSON.stringify(k.result)}`, ops, i);
      return;
    }
    if (JSON.stringify(regs(k.state)) !== JSON.stringify(regs(abstractModel(state)))) {
      note(`${ops[i].kind} state: model ${JSON.stringify(regs(abstractModel(state)))} kernel ${JSON.stringify(regs(k.state))}`, ops, i);
      return;
    }
  }
  agreed++;
});
console.log(`${runs} cases (seed ${seed}): ${agreed} agree, ${unsupported} stopped by the adapter, ${runs - agreed - unsupported} diverge`);
for (const [key, g] of [...groups].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`\n${g.count}x ${key}\n  e.g. ${g.example.map((o) => JSON.stringify(o)).join('\n       ')}`);
}
