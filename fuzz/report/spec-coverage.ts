/**
 * Spec coverage: which rule outcomes of the model (model/outcomes/) a campaign reached and
 * how often, which it never reached (each with the reason it cannot be, when there is
 * one), and the share of operations that addressed a VM, vCPU or slot that does not exist.
 * Shown by `--stats` and `npm run coverage:spec`, kept in the JSON summary as counts.
 */
import { MISSING, OUTCOMES, OUTCOME_NAMES, cannotReach, isOutcome } from '../../model/outcomes/index.js';
import type { Rules } from '../../model/rules.js';

type Counts = Record<string, number>;

/** what the JSON summary keeps (plain counts, so shards add up) */
export interface CoverageCounts {
  readonly rules: Rules;
  /** operations issued */
  readonly ops: number;
  /** rule outcomes reached, by name */
  readonly outcomes: Counts;
  /** the outcomes the implementation cannot express, each with why (expressible.ts) */
  readonly inexpressible?: { readonly by: string; readonly outcomes: Readonly<Record<string, string>> };
}

export interface SpecCoverage {
  readonly rules: Rules;
  readonly ops: number;
  /** operations whose outcome says their VM, vCPU or slot does not exist */
  readonly missingOps: number;
  readonly reached: readonly { readonly name: string; readonly count: number }[];
  /** declared outcomes never reached: `reason` says why none can be, null when one could */
  readonly never: readonly { readonly name: string; readonly reason: string | null }[];
  /** outcomes the implementation cannot express (not in `never`), with why, and its name */
  readonly notExpressible: readonly { readonly name: string; readonly reason: string }[];
  readonly by: string | null;
}

/** operations issued, from the stats' per-kind counts */
export const opsIssued = (s: { ops: Counts }): number => Object.values(s.ops).reduce((a, b) => a + b, 0);

export const specCoverage = (outcomes: Counts, ops: number, rules: Rules, inexpressible?: CoverageCounts['inexpressible']): SpecCoverage => {
  const not = inexpressible?.outcomes ?? {};
  const unreached = OUTCOME_NAMES.filter((o) => !outcomes[o]);
  return {
    rules,
    ops,
    missingOps: Object.entries(outcomes).reduce((n, [k, c]) => n + (isOutcome(k) && MISSING.has(k) ? c : 0), 0),
    reached: OUTCOME_NAMES.filter((o) => outcomes[o]).map((name) => ({ name, count: outcomes[name]! })),
    never: unreached.filter((o) => !(o in not) || cannotReach(o, rules)).map((name) => ({ name, reason: cannotReach(name, rules) })),
    notExpressible: unreached.filter((o) => o in not && !cannotReach(o, rules)).map((name) => ({ name, reason: not[name]! })),
    by: inexpressible?.by ?? null,
  };
};

const pct = (n: number, of: number): string => (of ? `${((100 * n) / of).toFixed(1)}%` : '-');

/** the text of --stats and coverage:spec; the same counts give the same text */
export const formatSpecCoverage = (c: SpecCoverage): string[] => {
  const open = c.never.filter((n) => n.reason === null);
  const lines = [
    `  spec coverage (${c.rules} rules): ${c.reached.length} of ${OUTCOME_NAMES.length} rule outcomes reached, ${c.notExpressible.length ? `${c.notExpressible.length} not expressible by ${c.by}, ` : ''}${open.length} reachable ones never`,
    `    operations on a missing VM, vCPU or slot: ${c.missingOps} of ${c.ops} (${pct(c.missingOps, c.ops)})`,
  ];
  for (const r of c.reached) lines.push(`    ${r.name}: ${r.count}`);
  for (const n of c.never) lines.push(`    ${n.name}: 0   <-- ${n.reason ? `cannot be reached: ${n.reason}` : `never reached (${OUTCOMES[n.name as keyof typeof OUTCOMES]})`}`);
  for (const n of c.notExpressible) lines.push(`    ${n.name}: 0   <-- not expressible by ${c.by}: ${n.reason}`);
  return lines;
};

/** the coverage of shards as one (absent when any shard lacks it: it would be partial) */
export const mergeCoverage = (cs: readonly (CoverageCounts | undefined)[]): CoverageCounts | undefined => {
  if (cs.length === 0 || cs.some((c) => c === undefined)) return undefined;
  const outcomes: Counts = {};
  for (const c of cs) for (const [k, n] of Object.entries(c!.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
  const inexpressible = cs[0]!.inexpressible;
  return { rules: cs[0]!.rules, ops: cs.reduce((n, c) => n + c!.ops, 0), outcomes, ...(inexpressible && { inexpressible }) };
};
