/**
 * A test case: everything a run needs, as data. Its schema checks what one field cannot
 * say alone: a thread for every operation, preemptions only with threads and only of
 * operations the case has.
 */
import { z } from 'zod';
import { HostConfigSchema, OpSchema } from './ops.js';
import { MAX_CASE_PAGES, MAX_OPS, MAX_THREADS, int, list } from './bounds.js';

/** the case's `keep` (ascending indexes) kept: how many of them are in its prelude */
export const keptPrelude = (prelude: number | undefined, keep: Iterable<number>): number => {
  let n = 0;
  for (const i of keep) if (i < (prelude ?? 0)) n++;
  return n;
};

/**
 * Operation `op` is preempted after its `after`-th preemption point (1 = the first); with
 * `after` 0 its thread yields before it begins the operation (between two ioctls).
 */
export const PreemptionSchema = z.strictObject({
  op: int(0, MAX_OPS - 1),
  after: int(0, 100_000),
  /** which of the other runnable threads runs next: the to-th, counting from 1, modulo */
  to: int(1, MAX_THREADS),
});
export type Preemption = z.infer<typeof PreemptionSchema>;

export const testCaseShape = {
  /** the host as it is before the first operation */
  config: HostConfigSchema,
  /** the operations, in program order */
  ops: list(OpSchema, MAX_OPS),
  /**
   * the harness thread each operation is issued from (same length as ops); absent means
   * every operation runs on thread 0, one after the other
   */
  threads: list(int(0, MAX_THREADS - 1), MAX_OPS).optional(),
  /**
   * where the scheduler switches threads; everywhere else the running thread keeps
   * running (or, when it cannot, the lowest-numbered thread that can)
   */
  preemptions: list(PreemptionSchema, MAX_OPS).optional(),
  /**
   * the case's common set-up: its first `prelude` operations, all on thread 0, run in
   * order to completion before any other operation begins (absent: 0); none is preempted
   */
  prelude: int(0, MAX_OPS).optional(),
};

/** the pages a case's slots may hold at once, at most: per (VM, slot), the largest slot asked there, summed */
export const casePages = (ops: readonly unknown[]): number => {
  const largest = new Map<string, number>();
  for (const o of ops as readonly { kind?: unknown; vm?: unknown; slot?: unknown; npages?: unknown }[]) {
    if (o?.kind !== 'setMemoryRegion' || typeof o.npages !== 'number') continue;
    const key = `${String(o.vm)}/${String(o.slot)}`;
    largest.set(key, Math.max(largest.get(key) ?? 0, o.npages));
  }
  let n = 0;
  for (const v of largest.values()) n += v;
  return n;
};

/** The checks across fields, shared by every object that holds a case. */
export const checkCaseFields = (
  c: { ops: readonly unknown[]; threads?: readonly number[] | undefined; preemptions?: readonly Preemption[] | undefined; prelude?: number | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (c.threads !== undefined && c.threads.length !== c.ops.length) {
    ctx.addIssue({ code: 'custom', path: ['threads'], message: `expected a thread for each of the ${c.ops.length} operations, got ${c.threads.length}` });
  }
  if (c.preemptions !== undefined && c.threads === undefined) {
    ctx.addIssue({ code: 'custom', path: ['preemptions'], message: 'preemptions need "threads"' });
  }
  c.preemptions?.forEach((p, i) => {
    if (p.op >= c.ops.length) ctx.addIssue({ code: 'custom', path: ['preemptions', i, 'op'], message: `expected an operation index 0..${c.ops.length - 1}, got ${p.op}` });
    else if (p.op < (c.prelude ?? 0)) ctx.addIssue({ code: 'custom', path: ['preemptions', i, 'op'], message: `operation ${p.op} is in the prelude (the first ${c.prelude}), which is never preempted` });
  });
  const pages = casePages(c.ops);
  if (pages > MAX_CASE_PAGES) ctx.addIssue({ code: 'custom', path: ['ops'], message: `the case's memory slots hold up to ${pages} pages in all (each VM's slot counted at its largest), more than the ${MAX_CASE_PAGES} (2^23) a case may have` });
  const prelude = c.prelude ?? 0;
  if (prelude > c.ops.length) ctx.addIssue({ code: 'custom', path: ['prelude'], message: `expected at most the ${c.ops.length} operations, got ${prelude}` });
  const off = c.threads?.slice(0, prelude).findIndex((t) => t !== 0) ?? -1;
  if (off >= 0) ctx.addIssue({ code: 'custom', path: ['threads', off], message: `operation ${off} is in the prelude, which runs on thread 0; got thread ${c.threads![off]}` });
};

export const TestCaseSchema = z.strictObject(testCaseShape).superRefine(checkCaseFields);
export type TestCase = z.infer<typeof TestCaseSchema>;
