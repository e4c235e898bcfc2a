#!/usr/bin/env node
// Writes a standalone C program in the style of a KVM selftest that makes a case's own
// ioctls on /dev/kvm: a small helper section (repro/helpers.c; repro/guest.c only when
// the case runs guest code), one line per operation, and TAP checks of each result and of
// the final state the harness compares, against the model's. Exit 0: all agree; 1: some
// differ; 4 (KSFT_SKIP): the host lacks /dev/kvm. A case on several threads runs one
// pthread per harness thread after its prelude; the order between them is not forced.
// Usage: node adapters/kvm/emit-c.mjs FILE.json > repro.c && cc -O2 -Wall -pthread -o repro repro.c && ./repro
// Exit 2 with one line when FILE is not a case, or names what the reproducer cannot run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initialState } from '../../dist/model/state.js';
import { step } from '../../dist/model/step.js';
import { abstractModel } from '../../dist/model/abstract.js';
import { formatOp } from '../../dist/fuzz/report/format.js';

const HERE = fileURLToPath(new URL('./repro/', import.meta.url));
const REG = { cr0: 0, cr3: 3, cr4: 4, efer: 5 };
const SECTION = { createVm: 'create_vm', destroyVm: 'destroy_vm', setMemoryRegion: 'set_region', createVcpu: 'create_vcpu', getDirtyLog: 'dirty_log', setNrMmuPages: 'nr_mmu_pages', run: 'run', setCr: 'setCr', translate: 'translate' };

/** A helper file's text before its first `//@ name` marker, and its sections by name. */
const sections = (file) => {
  const [head, ...rest] = readFileSync(HERE + file, 'utf8').split(/^\/\/@ (\w+)\n/m);
  const by = {};
  for (let i = 0; i < rest.length; i += 2) by[rest[i]] = rest[i + 1];
  return { head, by };
};
/** The helpers a case needs: the common part and one section per operation kind it uses. */
const helpers = (file, kinds, always = []) => {
  const { head, by } = sections(file);
  return { head, body: [...always, ...Object.keys(by).filter((n) => kinds.has(n))].map((n) => by[n]).join('') };
};
const GUEST = new Set(['run', 'setCr', 'translate']);

export class CannotEmit extends Error {}

/** The C call of one operation (the helpers' names), or a reason it has none. */
const call = (op, i) => {
  const u = (n) => `${n}ull`;
  switch (op.kind) {
    case 'createVm':
      if (op.ppc) throw new CannotEmit(`ops[${i}] creates a PPC HV VM: the reproducer drives x86 KVM only`);
      return `create_vm(${op.vm})`;
    case 'destroyVm': return `destroy_vm(${op.vm})`;
    case 'setMemoryRegion': return `set_region(${op.vm}, ${op.slot}, ${u(op.gfn)}, ${u(op.npages)}, ${op.flags ?? 0})`;
    case 'createVcpu': return `create_vcpu(${op.vm}, ${op.vcpu})`;
    case 'setCr': return `set_cr(${op.vm}, ${op.vcpu}, ${REG[op.reg]}, ${u(op.value)})`;
    case 'run': return `guest_run(${op.vm}, ${op.vcpu}, ${op.access ? op.access.gva : -1}, ${op.access?.write ? 1 : 0}, ${op.interruptsAllowed ? 1 : 0})`;
    case 'translate': return `translate(${op.vm}, ${op.vcpu}, ${u(op.gva)})`;
    case 'getDirtyLog': return `dirty_log(${op.vm}, ${op.slot})`;
    case 'setNrMmuPages': return `nr_mmu_pages(${op.vm}, ${op.pages})`;
    default: throw new CannotEmit(`ops[${i}] (${op.kind}) has no userspace counterpart on /dev/kvm: the reproducer cannot run this case`);
  }
};

/** The state line the program prints (helpers.c state()), from an abstract state. */
const stateLine = (a) => a.vms.map((m) => `vm ${m.vm} nrMmuPages ${m.nrMmuPages};` +
  m.slots.map((s) => ` slot ${s.slot} gfn ${s.gfn} npages ${s.npages} flags ${s.flags};`).join('') +
  m.vcpus.map((v) => ` vcpu ${v.vcpu} cr0 0x${v.cr0.toString(16)} cr3 0x${v.cr3.toString(16)} cr4 0x${v.cr4.toString(16)} efer 0x${v.efer.toString(16)};`).join('')).join('');

const cstr = (s) => JSON.stringify(s);
const comment = (s) => s.replace(/\*\//g, '* /');

export const emitC = (testCase, source) => {
  const { config, ops } = testCase;
  if (process.arch !== 'x64') throw new CannotEmit(`this host is ${process.arch}: the reproducer drives x86-64 KVM only`);
  const threads = ops.map((_, i) => testCase.threads?.[i] ?? 0);
  const calls = ops.map(call);
  let state = initialState(config);
  const expected = ops.map((op, i) => {
    const r = step(state, op, threads[i]);
    state = r.state;
    return JSON.stringify(r.result);
  });
  const tids = [...new Set(threads)].sort((a, b) => a - b);
  let prelude = testCase.prelude ?? 0;
  while (prelude > 0 && threads.slice(0, prelude).some((t) => t !== 0)) prelude--;
  const line = (i) => `\tDO(${i}, ${calls[i]});\t/* ${comment(formatOp(ops[i]))} */`;
  const check = (i) => `\tCHECK(${i}, ${calls[i]}, ${cstr(expected[i])}, ${cstr(`ops[${i}] ${formatOp(ops[i])}`)});`;
  const body = tids.length < 2 ? ops.map((_, i) => check(i)).join('\n') : [
    ...ops.slice(0, prelude).map((_, i) => line(i)),
    '\t/* one pthread per harness thread, started together; the order between them is not forced */',
    ...tids.map((t) => `\tpthread_create(&th[${t === tids[0] ? 0 : tids.indexOf(t)}], NULL, thread${t}, NULL);`),
    `\tfor (int t = 0; t < ${tids.length}; t++)\n\t\tpthread_join(th[t], NULL);`,
  ].join('\n');
  const threadFns = tids.length < 2 ? '' : tids.map((t) =>
    `static void *thread${t}(void *arg)\n{\n${ops.map((_, i) => (i >= prelude && threads[i] === t ? `${line(i)}\n` : '')).join('')}\treturn arg;\n}\n`).join('');
  const kinds = new Set(ops.map((o) => SECTION[o.kind]));
  const g = helpers('guest.c', kinds);
  const guest = ops.some((o) => GUEST.has(o.kind)) ? g.head + g.body
    : 'static inline void guest_vm(struct vm *m) { (void)m; }\nstatic inline void guest_vcpu(struct vcpu *v) { (void)v; }\n';
  const h = helpers('helpers.c', kinds, ['common']);
  const rules = config.rules ?? 'seeds';
  const many = tids.length > 1 ? `\n * It ran on ${tids.length} harness threads: here one pthread each, after the first ${prelude} operation(s).\n * The interleaving is not forced, so a run may not meet the harness's; repeat it.` : '';
  return `// SPDX-License-Identifier: MIT
/*
 * kvm-oracle replay --emit-c of ${comment(source)}: ${ops.length} operation(s), each result and the final state
 * checked against the model (${rules} rules), as TAP.${many} Build: cc -O2 -Wall -pthread -o repro repro.c
 * Exit 0: the kernel agrees; 1: it differs (the "not ok" lines); 4: no /dev/kvm (KSFT_SKIP). */
${h.head}${guest}${h.body}static struct res res[${ops.length}];
#define DO(i, c) do { pthread_mutex_lock(&big); res[i] = c; pthread_mutex_unlock(&big); } while (0)
#define CHECK(i, c, want, what) do { DO(i, c); TEST_ASSERT(res[i].s, res[i].skip, want, what); } while (0)
${threadFns}
int main(void)
{
	${tids.length > 1 ? `static const char *want[] = {\n${expected.map((e) => `\t\t${cstr(e)},`).join('\n')}\n\t}, *what[] = {\n${ops.map((o, i) => `\t\t${cstr(`ops[${i}] thread ${threads[i]}: ${formatOp(o)}`)},`).join('\n')}\n\t};\n\tpthread_t th[${tids.length}];\n\t` : ''}static char st[1 << 16];
	if (setup()) return KSFT_SKIP;
	printf("TAP version 13\\n1..${ops.length + 1}\\n");
${body}${tids.length > 1 ? `\n\tfor (int i = 0; i < ${ops.length}; i++)\n\t\tTEST_ASSERT(res[i].s, res[i].skip, want[i], what[i]);` : ''}
	state(st, sizeof(st));
	TEST_ASSERT(st, false, ${cstr(stateLine(abstractModel(state)))}, "final state");
	printf("# %d of %d checks differ from the model\\n", failed, tests);
	return failed ? 1 : 0;
}
`;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node adapters/kvm/emit-c.mjs FILE.json > repro.c');
    process.exit(2);
  }
  let testCase;
  try {
    testCase = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`emit-c: ${file}: ${e.message}`);
    process.exit(2);
  }
  if (!testCase || !Array.isArray(testCase.ops) || !testCase.config) {
    console.error(`emit-c: ${file}: not a case (needs config and ops)`);
    process.exit(2);
  }
  try {
    process.stdout.write(emitC(testCase, file));
  } catch (e) {
    if (!(e instanceof CannotEmit)) throw e;
    console.error(`emit-c: ${file}: ${e.message}`);
    process.exit(2);
  }
}
