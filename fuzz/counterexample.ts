/**
 * Counterexample files: everything needed to replay a failure, as JSON. Reading one
 * validates it field by field, so a bad file gets a one-line reason.
 */
import { readFileSync } from 'node:fs';
import type { Op, Preemption, TestCase } from '../api/ops.js';
import type { FailureId } from '../oracle/monitor.js';

export const FORMAT = 'kvm-oracle-counterexample/1';

export interface Counterexample {
  readonly format: typeof FORMAT;
  /** the SPEC.md invariant id, CONFORMANCE or IMPL_CRASH */
  readonly invariant: FailureId;
  /** what the monitor or the conformance check said */
  readonly message: string;
  /** index of the operation where it was seen */
  readonly step: number;
  readonly seed: number;
  readonly implementation: string;
  readonly mutant: string | null;
  readonly config: TestCase['config'];
  readonly ops: readonly Op[];
  /** the thread of each operation, when the case has several */
  readonly threads?: readonly number[];
  /** where the scheduler switched threads */
  readonly preemptions?: readonly Preemption[];
  /** monitors that were switched off (--disable) */
  readonly disabled?: readonly string[];
}

export class BadCounterexample extends Error {}

export const OP_KINDS = new Set([
  'createVm', 'destroyVm', 'setMemoryRegion', 'createVcpu', 'setCr', 'resetVcpu', 'run', 'failAlloc',
  'emulate', 'translate', 'getDirtyLog', 'setNrMmuPages',
  'mapHostMemory', 'unmapHostMemory', 'allocRma', 'hEnter',
  'swapOut', 'asyncPfDone', 'moduleLoad', 'moduleUnload',
]);

const need = (cond: boolean, what: string): void => {
  if (!cond) throw new BadCounterexample(what);
};

/** Parses and checks a counterexample; throws BadCounterexample with the reason. */
export const parseCounterexample = (text: string): Counterexample => {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new BadCounterexample(`not JSON (${(e as Error).message})`);
  }
  need(typeof j === 'object' && j !== null && !Array.isArray(j), 'not a JSON object');
  const o = j as Record<string, unknown>;
  need(o.format === FORMAT, `"format" is not "${FORMAT}"`);
  need(typeof o.invariant === 'string', '"invariant" missing');
  need(Number.isSafeInteger(o.seed), '"seed" is not an integer');
  need(typeof o.implementation === 'string', '"implementation" missing');
  need(o.mutant === null || typeof o.mutant === 'string', '"mutant" must be a name or null');
  const c = o.config as Record<string, unknown> | undefined;
  need(typeof c === 'object' && c !== null && (c.vendor === 'vmx' || c.vendor === 'svm') && typeof c.tdp === 'boolean', '"config" must be {vendor: "vmx"|"svm", tdp: boolean}');
  need(Array.isArray(o.ops), '"ops" is not a list');
  (o.ops as unknown[]).forEach((op, i) => {
    const kind = (op as { kind?: unknown } | null)?.kind;
    need(typeof kind === 'string' && OP_KINDS.has(kind), `ops[${i}] is not an operation (kind ${JSON.stringify(kind)})`);
  });
  if (o.threads !== undefined) {
    const t = o.threads;
    need(Array.isArray(t) && t.length === (o.ops as unknown[]).length && t.every((x) => Number.isInteger(x) && x >= 0 && x < 64), '"threads" must list a thread (0..63) for every operation');
    const ps = o.preemptions ?? [];
    const okP = (p: unknown): boolean => {
      const q = p as Record<string, unknown> | null;
      return q !== null && typeof q === 'object' && [q.op, q.after, q.to].every((x) => Number.isInteger(x) && (x as number) >= 0);
    };
    need(Array.isArray(ps) && ps.every(okP), '"preemptions" must be a list of {op, after, to} whole numbers');
  }
  need(o.disabled === undefined || (Array.isArray(o.disabled) && o.disabled.every((x) => typeof x === 'string')), '"disabled" must be a list of invariant ids');
  return { message: '', step: -1, ...(o as object) } as Counterexample;
};

export const readCounterexample = (path: string): Counterexample => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadCounterexample(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseCounterexample(text);
};

/** The file name: the same failure from the same seed always lands in the same file. */
export const counterexampleName = (cx: Counterexample): string =>
  `${cx.invariant}-seed${cx.seed}-${cx.mutant ?? 'nomutant'}.json`;
