/**
 * Every rule outcome of the model, declared once: a stable name for each way a rule
 * decides (an errno or #GP and why, a state transition, a result kind). Steps name the
 * outcomes they take (model/outcome.ts); a campaign counts them, so what the generator
 * never reached can be listed (fuzz/report/spec-coverage.ts, docs/COVERAGE.md).
 */
import type { Rules } from '../rules.js';
import { COMMON_OUTCOMES } from './common.js';
import { PPC_OUTCOMES } from './ppc.js';
import { X86_OUTCOMES } from './x86.js';

export const OUTCOMES = { ...COMMON_OUTCOMES, ...X86_OUTCOMES, ...PPC_OUTCOMES } as const;
export type Outcome = keyof typeof OUTCOMES;
export const OUTCOME_NAMES = Object.keys(OUTCOMES) as Outcome[];

/** outcomes of an operation that addresses a VM, vCPU or slot that does not exist */
export const MISSING: ReadonlySet<Outcome> = new Set<Outcome>([
  'vm.missing→EBADF', 'vcpu.missing→EBADF', 'getDirtyLog/noSlot→ENOENT',
  'setMemoryRegion/deleteMissing', 'setMemoryRegion/deleteMissing→EINVAL',
]);

/** outcomes only one rule set can give (model/rules.ts) */
export const ONLY_UNDER: Readonly<Partial<Record<Outcome, Rules>>> = {
  'setMemoryRegion/deleteMissing→EINVAL': 'upstream',
  'setMemoryRegion/deleteMissing': 'seeds',
  'setMemoryRegion/readonlyChange→EINVAL': 'upstream',
  'setMemoryRegion/maxGfn→EINVAL': 'upstream',
  'setCr/cr3.reserved→#GP': 'upstream',
  'setCr/cr0.leaveLong→#GP': 'upstream',
  'setCr/cr0.nwWithoutCd→#GP': 'upstream',
  'setCr/cr3.unbacked→#GP': 'seeds',
  // a read-only slot needs KVM_MEM_READONLY, which the seeds refuse
  'run/mmio.readonly': 'upstream',
  'run/rootUnbacked→shutdown': 'upstream',
};

/** outcomes no schema-valid case can reach, with the reason */
export const UNREACHABLE: Readonly<Partial<Record<Outcome, string>>> = {
  'setMemoryRegion/negative→EINVAL': 'the schema (api/ops.ts) has no negative gfn or size',
};

/** the reason `o` cannot be reached under `rules`, or null */
export const cannotReach = (o: Outcome, rules: Rules): string | null => {
  const only = ONLY_UNDER[o];
  if (only && only !== rules) return `only under the ${only} rules`;
  return UNREACHABLE[o] ?? null;
};

export const isOutcome = (s: string): s is Outcome => s in OUTCOMES;
