/**
 * Bounds of every number a test case, a counterexample or a protocol line may carry. They
 * are part of the schema: no field value may make the harness (or the model) allocate
 * without bound, and an out-of-range value is named with its JSON path and the range.
 */
import { z } from 'zod';

/** most operations in one case (generated, stored or sent) */
export const MAX_OPS = 10_000;
/** harness threads a case may name (0..MAX_THREADS-1) */
export const MAX_THREADS = 64;
/** pages in one memory slot: 2^18 pages of 4 KB is 1 GB of guest memory */
export const MAX_NPAGES = 2 ** 18;
/**
 * pages of memory slots in one case as a whole: the sum, over every (VM, slot) the case
 * names, of the largest slot it asks there (2^23 pages is 32 GB of guest memory, a few
 * hundred MB for the harness). The per-field bounds alone let 300 VMs of 2^18 pages each
 * through, which exhausts V8's heap.
 */
export const MAX_CASE_PAGES = 2 ** 23;
/** shadow pages KVM_SET_NR_MMU_PAGES may ask for */
export const MAX_MMU_PAGES = 2 ** 20;
/** ids of VMs, vCPUs and slots (KVM refuses most of them; the bound is the harness's) */
export const MAX_ID = 2 ** 16 - 1;
/** a u32 ioctl argument (vCPU ids, memslot numbers: KVM takes any and refuses most) */
export const MAX_U32 = 2 ** 32 - 1;
/** guest frame numbers (a 52-bit physical address space) */
export const MAX_GFN = 2 ** 40 - 1;
/** tracepoint events in one reply or one operation */
export const MAX_EVENTS = 100_000;
/** a string field: names, messages, lock names */
export const MAX_TEXT = 4096;

const range = (n: number): string => {
  if (n < 0) return `-${range(-n)}`;
  if (n === Number.MAX_SAFE_INTEGER) return '2^53-1';
  const log = Math.log2(n + 1);
  if (n > 1024 && Number.isInteger(log)) return `2^${log}-1`;
  const log2 = Math.log2(n);
  return n > 1024 && Number.isInteger(log2) ? `2^${log2}` : String(n);
};

export const shown = (x: unknown): string => {
  if (x === undefined) return 'nothing (missing)';
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
};

/** A whole number in min..max, whose error says so: "expected integer 0..2^18, got 1e9". */
export const int = (min: number, max: number) => {
  const error = (iss: { input?: unknown }) => `expected integer ${range(min)}..${range(max)}, got ${shown(iss.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** A bounded string. */
export const text = (max = MAX_TEXT) => z.string().max(max);

/** A name: letters, digits and `_.-` only, so it is safe as a file name part and a key. */
export const name = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: (iss) => `expected a name ([A-Za-z0-9][A-Za-z0-9_.-]*, at most 64), got ${shown(iss.input)}` });

/** An enum whose error lists the choices. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `expected one of ${values.join(', ')}, got ${shown(iss.input)}` });

/** A bounded list. */
export const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max, { error: `expected at most ${max} entries` }).readonly();
