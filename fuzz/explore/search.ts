/**
 * The bounded exhaustive search, breadth first by depth. Level L runs every move of
 * every node of level L - 1 (one operation of the alphabet) and of level L - 2 (a race of
 * two operations, preempted at each point the first one reached when it ran alone there),
 * then, while preemptions are left, the same races preempted once more at each later point
 * their runs reached. The probes are read in the order the jobs were made, never in the
 * order workers finish, so the result is the same with any number of workers.
 *
 * Pruning (see stateKey in probe.ts, and docs/EXPLORE.md): a node is a quiescent point, so what can follow
 * it depends on its key only; a key already reached at a depth as small or smaller (levels
 * come in order) with as many preemptions left has had every continuation this one could
 * have, and is not expanded again. Races are only made with A on the thread that returned
 * last (thread renaming: at a quiescent point the two threads differ only in what the key
 * holds).
 */
import type { Domain } from './domain.js';
import type { Executor } from '../campaign/executor.js';
import { probeAll } from './probe-all.js';
import type { Probed, Cut } from './probe.js';
import { nodeOf, raceJob, raceable, refineJob, rootJob, seqJob, type Node, type Planned } from './plan.js';

export interface Bound {
  readonly depth: number;
  readonly threads: number;
  readonly preemptions: number;
}

export interface Level {
  readonly depth: number;
  readonly cases: number;
  /** distinct states first reached at this depth */
  readonly states: number;
}

export interface SearchResult {
  readonly cases: number;
  readonly states: number;
  readonly levels: readonly Level[];
  /** the first failing job, in the search's order, and its probe */
  readonly failure: { readonly job: Planned; readonly probe: Probed; readonly caseNo: number } | null;
  /** cases not judged: the linearizability search gave up, or the impl cannot run them */
  readonly unchecked: number;
  readonly unsupported: number;
  readonly unsupportedWhy: string | null;
  /** the time budget (or a signal) ended it before the bound was covered */
  readonly cut: 'time' | 'signal' | null;
  /** the deepest depth all of whose cases were run (-1: none) */
  readonly complete: number;
}

export interface SearchOptions {
  readonly bound: Bound;
  readonly domains: readonly Domain[];
  /** why to stop now (the time budget, a signal), or null to go on */
  readonly stopped?: () => 'time' | 'signal' | null;
  /** expand every node, seen or not (to check that pruning loses no state) */
  readonly noPrune?: boolean;
  readonly onProgress?: (cases: number, states: number, depth: number) => void;
}

export const search = async (exec: Executor, o: SearchOptions): Promise<SearchResult> => {
  const { depth: D, threads: T, preemptions: P } = o.bound;
  const seen = new Map<string, number>();
  const levels: Level[] = [];
  const frontier: Node[][] = [];
  /** for each node of the last two levels: the points each alphabet operation reached there */
  const alone = new Map<Node, Cut[][]>();
  let [cases, unchecked, unsupported] = [0, 0, 0];
  let unsupportedWhy: string | null = null;
  let complete = -1;
  const end = (failure: SearchResult['failure'], cut: SearchResult['cut']): SearchResult => ({ cases, states: seen.size, levels, failure, unchecked, unsupported, unsupportedWhy, cut, complete });

  for (let L = 0; L <= D; L++) {
    const nodes: Node[] = [];
    const casesBefore = cases;
    const statesBefore = seen.size;
    let round: Planned[] = L === 0 ? o.domains.map(rootJob) : movesTo(L);
    while (round.length) {
      const next: Planned[] = [];
      for (let from = 0; from < round.length; from += SLICE) {
        const slice = round.slice(from, from + SLICE);
        const base = cases;
        const probes = await probeAll(exec, slice, () => o.stopped?.() != null, (n) => o.onProgress?.(base + n, seen.size, L));
        for (const [k, job] of slice.entries()) {
          const pr = probes[k];
          if (!pr) return levels.push(level(L, cases - casesBefore, seen.size - statesBefore)), end(null, o.stopped?.() ?? 'time');
          cases++;
          if (pr.failure) return end({ job, probe: pr, caseNo: cases }, null);
          if (job.moved.length === 1) {
            if (!alone.has(job.parent)) alone.set(job.parent, []);
            alone.get(job.parent)![alphabetIndex(job)] = pr.cuts.filter((c) => c.op === job.moved[0]);
          }
          if (job.moved.length === 2 && job.preempted < P) next.push(...pr.cuts.map((c) => refineJob(job, c)));
          if (pr.unsupported) [unsupported, unsupportedWhy] = [unsupported + 1, unsupportedWhy ?? pr.unsupported];
          if (pr.unchecked) unchecked++;
          if (pr.key === null) continue;
          const left = P - job.preempted;
          const before = seen.get(pr.key) ?? -1;
          if (before >= left && !o.noPrune) continue;
          seen.set(pr.key, Math.max(before, left));
          nodes.push(nodeOf(job, pr.lastTid));
        }
        o.onProgress?.(cases, seen.size, L);
      }
      round = next;
      const stop = o.stopped?.();
      if (stop) return levels.push(level(L, cases - casesBefore, seen.size - statesBefore)), end(null, stop);
    }
    frontier[L] = nodes;
    levels.push(level(L, cases - casesBefore, seen.size - statesBefore));
    complete = L;
    // the nodes two levels up have made all their moves
    for (const n of frontier[L - 2] ?? []) alone.delete(n);
    if (L >= 2) frontier[L - 2] = [];
  }
  return end(null, null);

  function alphabetIndex(job: Planned): number {
    return o.domains[job.parent.domain]!.alphabet.indexOf(job.tc.ops[job.moved[0]!]!);
  }

  function movesTo(L: number): Planned[] {
    const jobs: Planned[] = [];
    for (const n of frontier[L - 1] ?? []) {
      for (const op of o.domains[n.domain]!.alphabet) if (!n.tc.threads || raceable(op)) jobs.push(seqJob(n, op));
    }
    if (T < 2 || P < 1) return jobs;
    for (const n of frontier[L - 2] ?? []) {
      if (n.sequential || n.preempted >= P) continue;
      const alphabet = o.domains[n.domain]!.alphabet;
      const cuts = alone.get(n) ?? [];
      alphabet.forEach((a, i) => {
        if (!raceable(a)) return;
        for (const c of cuts[i] ?? []) for (const b of alphabet) if (raceable(b)) jobs.push(raceJob(n, a, b, c.after));
      });
    }
    return jobs;
  }
};

/** jobs probed at once: a failure or the time budget is seen after at most this many more cases */
const SLICE = 4096;

const level = (depth: number, cases: number, states: number): Level => ({ depth, cases, states });
