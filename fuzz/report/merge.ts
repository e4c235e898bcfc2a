/**
 * kvm-oracle merge FILE...: the summaries of a campaign's shards as one report and one
 * exit status. The shards must be one campaign (same seed, implementation, mutant and
 * shard count) and all there, or the merge says which is missing and exits 2: a shard
 * that did not run must not pass for one that found nothing.
 */
import { BadInput } from '../io.js';
import { BadCounterexample, readBounded, writeAtomic } from '../campaign/counterexample.js';
import { junitXml } from './junit.js';
import { wholeProblem } from '../campaign/case-set.js';
import { SUMMARY_FORMAT, type NotChecked, type Summary, type FailureSummary } from './summary.js';
import { mergeCoverage } from './spec-coverage.js';

export interface MergeIo {
  out(line: string): void;
}

const read = (file: string): Summary => {
  let j: Record<string, unknown>;
  try {
    // regular and bounded: a FIFO or /dev/zero is refused, not read forever
    j = JSON.parse(readBounded(file)) as Record<string, unknown>;
  } catch (e) {
    throw new BadInput(`merge: ${file}: ${e instanceof BadCounterexample ? e.message : ((e as NodeJS.ErrnoException).code ?? 'not JSON')}`);
  }
  const bad = (what: string): never => {
    throw new BadInput(`merge: ${file}: ${what}`);
  };
  if (j?.format !== SUMMARY_FORMAT) bad(`"format" is not "${SUMMARY_FORMAT}"`);
  if (!Number.isSafeInteger(j.seed) || !Number.isSafeInteger(j.runs)) bad('"seed" and "runs" must be whole numbers');
  if (!Array.isArray(j.failures) || !Array.isArray(j.notChecked)) bad('"failures" and "notChecked" must be lists');
  for (const f of j.failures as FailureSummary[]) if (typeof f?.signature !== 'string' || typeof f.known !== 'boolean') bad('a failure without "signature" or "known"');
  for (const n of j.notChecked as NotChecked[]) {
    if (typeof n?.check !== 'string' || typeof n.reason !== 'string') bad('a "notChecked" entry without "check" and "reason"');
    if (n.cases !== undefined && !Number.isSafeInteger(n.cases)) bad('a "notChecked" entry whose "cases" is not a whole number');
  }
  return j as unknown as Summary;
};

/** the summaries as one: failures by signature (first seen earliest), counts added up */
export const mergeSummaries = (ss: readonly Summary[]): Summary => {
  const bySig = new Map<string, FailureSummary>();
  for (const f of ss.flatMap((s) => s.failures)) {
    const had = bySig.get(f.signature);
    if (!had || f.firstSeen < had.firstSeen) bySig.set(f.signature, f);
  }
  const notChecked = new Map<string, NotChecked>();
  for (const n of ss.flatMap((s) => s.notChecked)) {
    const key = `${n.check}\0${n.reason}`;
    const had = notChecked.get(key);
    notChecked.set(key, had && n.cases !== undefined ? { ...had, cases: (had.cases ?? 0) + n.cases } : had ?? n);
  }
  const first = ss[0]!;
  const coverage = mergeCoverage(ss.map((s) => s.coverage));
  return {
    ...first,
    ...(coverage ? { coverage } : { coverage: undefined }),
    runs: ss.reduce((n, s) => n + s.runs, 0),
    workers: ss.reduce((n, s) => n + s.workers, 0),
    shard: null,
    timeMs: Math.max(...ss.map((s) => s.timeMs)),
    replayed: Math.max(...ss.map((s) => s.replayed)),
    interrupted: ss.find((s) => s.interrupted)?.interrupted ?? null,
    failures: [...bySig.values()].sort((a, b) => a.firstSeen - b.firstSeen || a.signature.localeCompare(b.signature)),
    notChecked: [...notChecked.values()],
  };
};

/** the shards are one whole campaign, or a BadInput saying what is wrong */
const checkWhole = (files: readonly string[], ss: readonly Summary[]): void => {
  const first = ss[0]!;
  // summaries that say which cases they ran: one stream, disjoint, covering (case-set.ts)
  if (ss.every((s) => s.cases)) {
    // a shard that stopped at a failure (or a signal) ran fewer than its share: only disjointness holds then
    const complete = ss.every((s) => !s.interrupted && !s.failures.length);
    const problem = wholeProblem(files, ss.map((s) => s.cases!), complete);
    if (problem) throw new BadInput(`merge: ${problem}`);
  } else if (ss.some((s) => s.cases)) throw new BadInput(`merge: ${files[ss.findIndex((s) => !s.cases)]} does not say which cases it ran (written by an older kvm-oracle), ${files[ss.findIndex((s) => s.cases)]} does: run them with one version`);
  const count = first.shard?.count ?? 1;
  ss.forEach((s, i) => {
    const same = s.seed === first.seed && s.implementation === first.implementation && s.mutant === first.mutant && (s.shard?.count ?? 1) === count;
    if (!same) throw new BadInput(`merge: ${files[i]} is not a shard of the same campaign as ${files[0]} (seed, implementation, mutant and shard count must match)`);
  });
  // several campaigns of one seed (a matrix over --vcpus, say) each give every shard once
  const have = new Map<number, number>();
  for (const s of ss) have.set(s.shard?.index ?? 1, (have.get(s.shard?.index ?? 1) ?? 0) + 1);
  const campaigns = Math.max(...have.values());
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => (have.get(i) ?? 0) < campaigns);
  if (missing.length) throw new BadInput(`merge: shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing${campaigns > 1 ? ` (or another given twice: each shard is there up to ${campaigns} times)` : ''}`);
  const cut = ss.find((s) => s.interrupted && s.failures.every((f) => f.known));
  if (cut) throw new BadInput(`merge: shard ${cut.shard?.index ?? 1}/${count} was interrupted (${cut.interrupted}) after ${cut.runs} runs`);
};

/** written whole or not at all (a kill or a full disk leaves no partial file); a file that cannot be written is exit 2 */
const write = (what: string, file: string, text: string): void => {
  try {
    writeAtomic(file, text);
  } catch (e) {
    throw new BadInput(`merge: cannot write ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
};

export const merge = (files: readonly string[], io: MergeIo, jsonOut?: string, junitOut?: string): number => {
  if (!files.length) throw new BadInput('merge takes one or more summary FILEs');
  const ss = files.map(read);
  const news = (s: Summary): number => s.failures.filter((f) => !f.known).length;
  const m = mergeSummaries(ss);
  // a new failure counts even when another shard is missing or was interrupted
  if (!news(m)) checkWhole(files, ss);
  io.out(`kvm-oracle merge: ${ss.length} shard(s) of seed ${m.seed}, implementation ${m.implementation}, mutant ${m.mutant ?? 'none'}: ${m.runs} runs, ${m.failures.length} failure(s), ${news(m)} new`);
  for (const f of m.failures) {
    const seen = f.firstSeen === 0 ? 'a corpus entry failed again' : `first seen at run ${f.firstSeen}`;
    io.out(`  ${f.known ? 'known' : 'NEW  '} ${f.signature}  ${seen}  ${f.file ?? '(not written)'}`);
  }
  for (const n of m.notChecked) io.out(`  not checked: ${n.check}${n.cases !== undefined ? ` in ${n.cases} case(s)` : ''}: ${n.reason}`);
  if (jsonOut) write('summary', jsonOut, JSON.stringify(m, null, 2) + '\n');
  // a test suite per shard, as the shards' own JUnit files have
  if (junitOut) write('JUnit report', junitOut, junitXml(ss));
  return news(m) ? 1 : 0;
};
