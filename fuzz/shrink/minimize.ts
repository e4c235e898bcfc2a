/**
 * Minimizing a failing case after the engine's shrinking: ddmin over its operations, then
 * single simplifications (a whole thread dropped or merged into another, a preemption
 * dropped or made earlier, an id renamed to a smaller one, a value made 0 or rounder, a
 * flag or optional field dropped), round after round until none still fails. The result is
 * 1-minimal: removing any one operation, or any one of these simplifications, no longer
 * fails the same way. Generic over where the case came from: all it needs is `stillFails`.
 */
import type { Op, TestCase } from '../../api/ops.js';
import { TestCaseSchema } from '../../api/case.js';
import { check } from '../../api/validate.js';
import { keepOps } from '../run/cut.js';
import { ddmin, type Stop } from './ddmin.js';

export type StillFails = (tc: TestCase) => Promise<boolean>;

export interface Minimized {
  readonly tc: TestCase;
  /** candidates run */
  readonly tries: number;
  /** `stop` cut it short: the case may not be 1-minimal */
  readonly cut: boolean;
}

/** ids renamed together across the case */
const IDS = ['vm', 'vcpu', 'slot'] as const;

/** the case on one thread when only one is used: no thread list, no preemptions */
const normalize = (tc: TestCase): TestCase => {
  if (!tc.threads || new Set(tc.threads).size > 1) return tc;
  const { threads: _t, preemptions: _p, ...rest } = tc;
  return rest;
};

const threadPass = (tc: TestCase): TestCase[] => {
  const ts = [...new Set(tc.threads ?? [])].sort((a, b) => a - b);
  if (ts.length < 2) return [];
  const all = new Set(tc.ops.keys());
  return ts.flatMap((t) => [
    keepOps(tc, new Set([...all].filter((i) => tc.threads![i] !== t))),
    ...ts.filter((u) => u !== t).map((u) => ({ ...tc, threads: tc.threads!.map((x) => (x === t ? u : x)) })),
  ]);
};

const preemptionPass = (tc: TestCase): TestCase[] =>
  (tc.preemptions ?? []).flatMap((p, i) => {
    const with_ = (q: typeof p | null): TestCase => ({ ...tc, preemptions: tc.preemptions!.flatMap((x, j) => (j !== i ? [x] : q ? [q] : [])) });
    return [with_(null), ...(p.after > 0 ? [with_({ ...p, after: 0 }), with_({ ...p, after: p.after - 1 })] : []), ...(p.to > 1 ? [with_({ ...p, to: 1 })] : [])];
  });

/** every id of kind `k` renamed from v to the smallest unused value below it */
const renamePass = (tc: TestCase): TestCase[] =>
  IDS.flatMap((k) => {
    const used = new Set(tc.ops.flatMap((op) => (k in op ? [(op as Record<string, unknown>)[k] as number] : [])));
    return [...used].flatMap((v) => {
      let to = 0;
      while (used.has(to) && to < v) to++;
      if (to >= v) return [];
      return [{ ...tc, ops: tc.ops.map((op) => (k in op && (op as Record<string, unknown>)[k] === v ? ({ ...op, [k]: to } as Op) : op)) }];
    });
  });

/** simpler values of one field: 0, its top bit, false, null, or the field dropped when optional */
const simpler = (key: string, v: unknown): unknown[] => {
  if (typeof v === 'number' && v > 0) return [0, ...(v > 1 && 2 ** Math.floor(Math.log2(v)) !== v ? [2 ** Math.floor(Math.log2(v))] : [])];
  if (v === true) return [false, undefined];
  if (v !== null && typeof v === 'object') return key === 'access' ? [null] : [undefined];
  return [];
};

const valuePass = (tc: TestCase): TestCase[] =>
  tc.ops.flatMap((op, i) =>
    Object.entries(op).flatMap(([key, v]) => {
      if (key === 'kind' || (IDS as readonly string[]).includes(key)) return [];
      const nested = v !== null && typeof v === 'object' ? Object.entries(v as object).flatMap(([k2, v2]) => simpler(k2, v2).map((s) => ({ ...op, [key]: { ...(v as object), [k2]: s } }))) : [];
      return [...simpler(key, v).map((s) => ({ ...op, [key]: s })), ...nested].map((o) => {
        const clean = Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as Op;
        return { ...tc, ops: tc.ops.map((x, j) => (j === i ? clean : x)) };
      });
    }),
  );

const PASSES = [threadPass, preemptionPass, renamePass, valuePass];

export const minimize = async (start: TestCase, stillFails: StillFails, stop: Stop = () => false): Promise<Minimized> => {
  const seen = new Map<string, boolean>();
  let tries = 0;
  const fails = async (tc: TestCase): Promise<boolean> => {
    const key = JSON.stringify(tc);
    let r = seen.get(key);
    // a candidate the schema refuses (e.g. a PPC ramPorder made 0) could be neither written
    // nor replayed: it is not a smaller case, whatever the implementation does with it
    if (r === undefined && !check(TestCaseSchema, tc).ok) seen.set(key, (r = false));
    if (r === undefined) seen.set(key, (r = (tries++, await stillFails(tc))));
    return r;
  };
  // the caller's case fails; its normal form (one thread: no thread list) should too
  let tc = normalize(start);
  if (tc !== start && !(await fails(tc))) tc = start;
  // ddmin, then simplifications; again until a whole round changes nothing
  for (;;) {
    const keep = await ddmin([...tc.ops.keys()], (xs) => fails(normalize(keepOps(tc, new Set(xs)))), stop);
    if (keep.length < tc.ops.length) tc = normalize(keepOps(tc, new Set(keep)));
    let simplified = false;
    for (const pass of PASSES) {
      // after a success the pass goes on from the same place in the new case's candidates;
      // the round after checks again what came before
      for (let k = 0; !stop(); k++) {
        const c = pass(tc)[k];
        if (!c) break;
        if (await fails(normalize(c))) [tc, simplified, k] = [normalize(c), true, k - 1];
      }
    }
    if (stop()) return { tc, tries, cut: true };
    if (!simplified) return { tc, tries, cut: false };
  }
};
