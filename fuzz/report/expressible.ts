/**
 * Which rule outcomes (model/outcomes/) an implementation cannot express, and why: the
 * operations it lacks (or --ops/--skip-ops left out), its platforms and paging modes, its
 * host configs (shadow paging or TDP), its own resources (limits) and whether operations
 * can interleave in it (stepping or real threads). Spec coverage lists these apart from
 * the outcomes never reached, so that "never reached" is a gap of the generator. One
 * place: every exclusion is a row below.
 */
import type { Capabilities } from '../../api/protocol.js';
import type { OpKind } from '../../api/ops.js';
import { OUTCOME_NAMES, type Outcome } from '../../model/outcomes/index.js';
import { PPC_OUTCOMES } from '../../model/outcomes/ppc.js';
import { RULES } from '../../model/rules.js';
import type { PagingMode } from '../../model/x86/registers.js';
import type { Reach } from '../gen/reach.js';

/** outcome -> why `implName` cannot express it */
export type Inexpressible = Readonly<Partial<Record<Outcome, string>>>;

/** outcomes that need an operation other than their own (the fault injection, swap, module reload) */
const NEEDS_OPS: Readonly<Partial<Record<Outcome, readonly OpKind[]>>> = {
  'run/reload→ENOMEM': ['failAlloc'],
  'run/reentry→ENOMEM': ['failAlloc'],
  'run/apf.noMemory': ['failAlloc', 'swapOut'],
  'run/apf.deliverNoRoot': ['failAlloc', 'swapOut', 'asyncPfDone'],
  'moduleLoad/setupAlloc→ENOMEM': ['failAlloc', 'moduleUnload'],
  'setMemoryRegion/ppc.vzalloc→ENOMEM': ['failAlloc'],
  'allocRma/noMemory→ENOMEM': ['failAlloc'],
  'hEnter/gupFailed→H_PARAMETER': ['failAlloc'],
  'run/apf.sync': ['swapOut'],
  'run/apf.queueFull': ['swapOut'],
  'run/apf.queued': ['swapOut'],
  'run/apf.doubleFault→EINTR': ['swapOut'],
  'run/apf.halted→EINTR': ['swapOut'],
  'run/apf.delivered': ['swapOut', 'asyncPfDone'],
  'asyncPfDone/done': ['swapOut'],
  'asyncPfDone/errorPage': ['swapOut'],
  'createVm/noModule→ENODEV': ['moduleUnload'],
  'moduleLoad/load': ['moduleUnload'],
};

/** outcomes that need the guest in one of these paging modes */
const NEEDS_MODE: Readonly<Partial<Record<Outcome, readonly PagingMode[]>>> = {
  'setCr/enter.paging32': ['paging32'],
  'setCr/enter.pae': ['pae'],
  'setCr/pdptrs.unbacked→#GP': ['pae'],
  'setCr/enter.long': ['long'],
  'setCr/cr4.paeOffInLong→#GP': ['long'],
  'setCr/cr0.leaveLong→#GP': ['long'],
  'setCr/cr3.reserved→#GP': ['long'],
  'setCr/efer.lmeWhilePaging→#GP': ['paging32', 'pae', 'long'],
  'run/rootUnbacked→shutdown': ['paging32', 'pae', 'long'],
};

/** outcomes of a shadow MMU (a host config without TDP) */
const SHADOW_ONLY: readonly Outcome[] = ['run/rootUnbacked→shutdown', 'emulate/write.zapsRoot'];

/** outcomes that need another operation to run inside this one (between its phases) */
const INTERLEAVED: readonly Outcome[] = ['run/reexecuted', 'hEnter/pinRetry', 'hEnter/pinRace', 'hEnter/known'];

const opOf = (o: Outcome): string => o.split('/')[0]!;

/** Every outcome `implName` (its capabilities, cut to `reach`) cannot express, with the reason. */
export const inexpressible = (caps: Capabilities, reach: Reach, implName: string): Inexpressible => {
  const out: Partial<Record<Outcome, string>> = {};
  const modes = reach.pagingModes;
  const rs = RULES[reach.rules];
  for (const o of OUTCOME_NAMES) {
    const op = opOf(o);
    const why = ((): string | null => {
      if ((o in PPC_OUTCOMES || o === 'vm.ppc→EINVAL' || o === 'vcpu.ppc→EINVAL') && !reach.platforms.has('ppcHv')) return `${implName} runs no PPC HV VM`;
      if (!o.includes('.missing') && (OUTCOME_NAMES as readonly string[]).some((n) => n.startsWith(`${op}/`)) && !reach.ops.has(op as OpKind)) return `no ${op} is generated for ${implName} (it lacks it, or --ops/--skip-ops)`;
      const lacking = (NEEDS_OPS[o] ?? []).filter((k) => !reach.ops.has(k));
      if (lacking.length) return `needs ${lacking.join(' and ')}, which ${implName} does not run`;
      const need = NEEDS_MODE[o];
      if (need && modes && !need.some((m) => modes.has(m))) return `needs ${need.join(' or ')} paging, and ${implName} runs only ${[...modes].join(', ')}`;
      // kvm_set_cr0(): clearing PG in 64-bit mode is a #GP, so paging goes off only from 32-bit or PAE paging
      if (o === 'setCr/enter.nonpaging' && modes && !modes.has('paging32') && !modes.has('pae') && rs.cr0Upstream) return `paging goes off only outside long mode under the ${reach.rules} rules (kvm_set_cr0), and ${implName} runs no 32-bit or PAE paging`;
      if (SHADOW_ONLY.includes(o) && reach.configs.every((c) => c.tdp)) return `a shadow-MMU outcome, and ${implName} runs only TDP`;
      if (INTERLEAVED.includes(o) && !caps.stepping && !caps.realThreads) return `needs another operation inside this one, and ${implName} neither steps nor runs threads`;
      const ids = reach.limits?.slotIds;
      if ((o === 'setMemoryRegion/slotId→EINVAL' || o === 'getDirtyLog/slotId→EINVAL') && ids !== undefined && ids <= rs.memSlots) return `${implName} keeps slot ids from ${ids} for itself (limits.slotIds), below the first invalid one (${rs.memSlots})`;
      return null;
    })();
    if (why) out[o] = why;
  }
  return out;
};

/** what the summary keeps: the outcomes `implName` cannot express, or undefined when it can express them all */
export const expressibleBy = (caps: Capabilities, reach: Reach, implName: string): { by: string; outcomes: Inexpressible } | undefined => {
  const outcomes = inexpressible(caps, reach, implName);
  return Object.keys(outcomes).length ? { by: implName, outcomes } : undefined;
};
