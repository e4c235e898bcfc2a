/**
 * What explore prints: the scope it enumerates (each domain's host, prelude and alphabet),
 * then the verdict: how many cases and distinct states it covered, per depth, and whether
 * the bound was exhausted. No timing here (the progress line has it), so the same bound
 * and workers print the same lines. The JSON summary holds the same.
 */
import type { Domain } from '../explore/domain.js';
import type { Bound, SearchResult } from '../explore/search.js';
import { formatOp } from './format.js';
import { Progress, type ProgressOptions, type ProgressState } from './progress.js';

/** a search that did not cover its bound: exit 4, distinct from a failure (1) and a usage error (2) */
export const EXIT_NOT_EXHAUSTED = 4;

export const boundText = (b: Bound): string => `depth ${b.depth}, ${b.threads} thread(s), ${b.preemptions} preemption(s)`;

const hostText = (d: Domain): string => {
  const vm = d.prelude.find((o) => o.kind === 'createVm');
  if (vm?.kind === 'createVm' && vm.ppc) return `PPC HV ${vm.ppc.cpu}`;
  return `${d.config.vendor}, tdp ${d.config.tdp ? 'on' : 'off'}`;
};

export const scopeLines = (domains: readonly Domain[]): string[] => {
  const out = [`  scope: ${domains.length} starting point(s), each a host and a prelude (not counted in the depth), then operations of its alphabet`];
  let last = '';
  for (const d of domains) {
    out.push(`  ${d.name} (${hostText(d)}): prelude ${d.prelude.map(formatOp).join('; ')}`);
    const alphabet = d.alphabet.map(formatOp).join('; ');
    out.push(alphabet === last ? '    alphabet: as above' : `    alphabet (${d.alphabet.length}): ${alphabet}`);
    last = alphabet;
  }
  return out;
};

const perDepth = (r: SearchResult): string => r.levels.map((l) => `${l.depth}: ${l.cases} cases, ${l.states} new states`).join('; ');

/** not judged, though run: said beside the verdict, and they make the bound not exhausted */
const notChecked = (r: SearchResult, spec: string): string[] => [
  ...(r.unchecked ? [`  ${r.unchecked} case(s) not checked for conformance: the linearizability search gave up (their continuations were not explored)`] : []),
  ...(r.unsupported ? [`  ${r.unsupported} case(s) not checked: ${spec} cannot run them here (the first: ${r.unsupportedWhy})`] : []),
];

export const exhausted = (r: SearchResult): boolean => r.cut === null && r.failure === null && r.unchecked === 0 && r.unsupported === 0;

export const verdictLines = (r: SearchResult, b: Bound, spec: string): string[] => {
  const covered = `${r.cases} cases, ${r.states} distinct states`;
  const lines: string[] = [];
  if (r.failure) lines.push(`kvm-oracle explore: a failure at depth ${r.failure.job.depth} after ${covered}: the bound was not explored further`);
  else if (r.cut) {
    const why = r.cut === 'time' ? '--time reached' : 'interrupted';
    const done = r.complete < 0 ? 'not even the preludes all ran' : `every case up to depth ${r.complete} was run`;
    lines.push(`kvm-oracle explore: bound NOT exhausted (not checked): ${why} after ${covered}; ${done}`);
  } else if (!exhausted(r)) lines.push(`kvm-oracle explore: bound NOT exhausted (not checked): ${covered}, some of them not judged (below)`);
  else lines.push(`kvm-oracle explore: bound exhausted (${boundText(b)}): ${covered}, no failure`);
  lines.push(`  per depth: ${perDepth(r)}`);
  return [...lines, ...notChecked(r, spec)];
};

export interface ExploreSummary {
  readonly format: 'kvm-oracle-explore/1';
  readonly bound: Bound;
  readonly implementation: string;
  readonly mutant: string | null;
  readonly workers: number;
  readonly domains: readonly string[];
  readonly cases: number;
  readonly states: number;
  readonly exhausted: boolean;
  readonly cut: SearchResult['cut'];
  readonly levels: SearchResult['levels'];
  readonly failure: { readonly invariant: string; readonly depth: number; readonly file: string | null } | null;
  readonly notChecked: { readonly unchecked: number; readonly unsupported: number };
}

export const exploreSummary = (r: SearchResult, b: Bound, id: { spec: string; mutant: string | null; workers: number; domains: readonly Domain[] }, file: string | null): ExploreSummary => ({
  format: 'kvm-oracle-explore/1',
  bound: b,
  implementation: id.spec,
  mutant: id.mutant,
  workers: id.workers,
  domains: id.domains.map((d) => d.name),
  cases: r.cases,
  states: r.states,
  exhausted: exhausted(r),
  cut: r.cut,
  levels: r.levels,
  failure: r.failure && { invariant: r.failure.probe.failure!.id, depth: r.failure.job.depth, file },
  notChecked: { unchecked: r.unchecked, unsupported: r.unsupported },
});

/**
 * explore's progress line on stderr: fuzz's (fuzz/report/progress.ts: quiet for two
 * seconds, redrawn on a terminal, a line every 10 s in a log) with what a search has
 * instead of a run count: distinct states, and the depth under way. Timings appear only
 * here, never on stdout.
 */
export class ExploreProgress extends Progress {
  private states = 0;
  private depth = 0;
  private readonly budget: number | undefined;

  constructor(o: ProgressOptions) {
    super(o);
    this.budget = o.timeMs;
  }

  explored(cases: number, states: number, depth: number): void {
    [this.states, this.depth] = [states, depth];
    this.tick({ cases, failures: 0, shrinking: null });
  }

  override line(s: ProgressState, t: number): string {
    const rate = t > 0 ? Math.round((s.cases * 1000) / t) : 0;
    const left = this.budget === undefined ? '' : `, ${Math.max(0, Math.round((this.budget - t) / 1000))}s left`;
    return `kvm-oracle explore: ${s.cases} cases, ${this.states} states, at depth ${this.depth}, ${rate} cases/s, ${Math.round(t / 1000)}s${left}`;
  }
}
