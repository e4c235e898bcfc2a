/**
 * What the generator may produce for an implementation: the operation kinds it supports
 * (less --skip-ops, or only --ops), the host configurations and the VM platforms it runs.
 * A generated case is cut to that reach after it is drawn; for an implementation that
 * supports everything the case is returned unchanged, so in-process and `exec:` runs of
 * the built-in implementation see the same cases, byte for byte.
 */
import { OP_KINDS, type HostConfig, type Op, type OpKind, type RegisterBits, type TestCase } from '../../api/ops.js';
import type { Capabilities, Platform } from '../../api/protocol.js';
import { keptPrelude } from '../../api/case.js';
import type { PagingMode } from '../../model/x86/registers.js';
import type { Rules } from '../../model/rules.js';
import { keepPagingModes } from './reach-paging.js';
import { withinLimits } from './reach-limits.js';
import type { Limits } from '../../api/limits.js';

export interface Reach {
  readonly ops: ReadonlySet<OpKind>;
  /** which kernel's rules the cases are held to (model/rules.ts) */
  readonly rules: Rules;
  /** the guest paging modes a case may enter; absent: all */
  readonly pagingModes?: ReadonlySet<PagingMode>;
  readonly configs: readonly HostConfig[];
  readonly platforms: ReadonlySet<Platform>;
  /** the implementation's own resources, which no case names (reach-limits.ts) */
  readonly limits?: Limits;
  /** the cr4 and EFER bits its vCPUs accept, copied into each case's config (model/rules.ts ruleSetOf) */
  readonly registerBits?: RegisterBits;
}

export class ReachError extends Error {}

const kindList = (names: readonly string[], what: string): OpKind[] => {
  for (const n of names) if (!(OP_KINDS as readonly string[]).includes(n)) throw new ReachError(`${what}: unknown operation ${JSON.stringify(n)} (known: ${OP_KINDS.join(', ')})`);
  return names as OpKind[];
};

/** The reach of `caps`, narrowed by --ops (only these) and --skip-ops (not these). */
export const reachOf = (caps: Capabilities, implName: string, only?: readonly string[], skip: readonly string[] = [], rules?: Rules): Reach => {
  const supported = new Set(caps.ops);
  let ops = new Set<OpKind>(supported);
  if (only) {
    const wanted = kindList(only, '--ops');
    const lacking = wanted.filter((k) => !supported.has(k));
    if (lacking.length) throw new ReachError(`--ops: ${implName} does not support ${lacking.join(', ')}`);
    ops = new Set(wanted);
  }
  for (const k of kindList(skip, '--skip-ops')) ops.delete(k);
  if (ops.size === 0) throw new ReachError('no operation left to generate');
  const paging = caps.pagingModes && caps.pagingModes.length < 4 ? { pagingModes: new Set(caps.pagingModes) } : {};
  return { ops, configs: caps.configs, platforms: new Set(caps.platforms), rules: rules ?? caps.rules?.[0] ?? 'seeds', ...paging, ...(caps.limits && { limits: caps.limits }), ...(caps.registerBits && { registerBits: caps.registerBits }) };
};

const sameConfig = (a: HostConfig, b: HostConfig) => a.vendor === b.vendor && a.tdp === b.tdp;
const hostOnly = (c: HostConfig): HostConfig => ({ vendor: c.vendor, tdp: c.tdp });

/** A supported config for `c`: itself, else one picked by its bits (deterministic). */
const nearest = (configs: readonly HostConfig[], c: HostConfig): HostConfig =>
  configs.find((x) => sameConfig(x, c)) ?? configs[((c.vendor === 'svm' ? 2 : 0) + (c.tdp ? 1 : 0)) % configs.length]!;

const allowed = (op: Op, r: Reach): boolean => r.ops.has(op.kind) && (op.kind !== 'createVm' || op.ppc === undefined || r.platforms.has('ppcHv')) && withinLimits(op, r.limits);

const everything = (r: Reach): boolean => r.ops.size === OP_KINDS.length && r.platforms.size === 2 && r.configs.length >= 4 && !r.pagingModes && !r.limits && !r.registerBits && r.rules === 'seeds';

/** `tc` with only the operations at `keep` (ascending); threads and preemptions follow them. */
export const keepOps = (tc: TestCase, keep: readonly number[], ops: readonly Op[] = keep.map((i) => tc.ops[i]!)): TestCase => {
  if (!tc.threads) return { config: tc.config, ops };
  const renumber = new Map(keep.map((old, i) => [old, i]));
  const preemptions = (tc.preemptions ?? []).flatMap((p) => (renumber.has(p.op) ? [{ ...p, op: renumber.get(p.op)! }] : []));
  const prelude = keptPrelude(tc.prelude, keep);
  return { config: tc.config, ops, threads: keep.map((i) => tc.threads![i]!), preemptions, ...(prelude > 0 && { prelude }) };
};

/** `tc` cut to what the implementation can run; threads and preemptions follow the operations kept. */
export const restrictCase = (tc: TestCase, r: Reach): TestCase => {
  if (everything(r)) return tc;
  const config = { ...nearest(r.configs, tc.config), ...(r.rules !== 'seeds' && { rules: r.rules }), ...(r.registerBits && { registerBits: r.registerBits }) };
  const keep: number[] = [];
  tc.ops.forEach((op, i) => allowed(op, r) && keep.push(i));
  const ops = keep.map((i) => {
    const op = tc.ops[i]!;
    return op.kind === 'moduleLoad' ? { ...op, ...hostOnly(nearest(r.configs, op)) } : op;
  });
  const cut = keepOps({ ...tc, config }, keep, ops);
  return r.pagingModes ? keepPagingModes(cut, r.pagingModes) : cut;
};

/** The first operation of `tc` outside the reach, as a one-line reason, or null. */
export const outOfReach = (tc: TestCase, r: Reach, implName: string): string | null => {
  if (!r.configs.some((c) => sameConfig(c, tc.config))) return `config ${JSON.stringify(tc.config)}: ${implName} does not run that host`;
  const i = tc.ops.findIndex((op) => !allowed(op, r));
  if (i < 0) return null;
  const op = tc.ops[i]!;
  if (r.ops.has(op.kind) && !withinLimits(op, r.limits)) return `ops[${i}] (${op.kind}): names ${implName}'s own resources (its declared limits), so the case cannot be checked there`;
  return `ops[${i}] (${op.kind}${op.kind === 'createVm' ? ' of a PPC VM' : ''}): ${implName} does not support it, so the case cannot be checked there`;
};
