/**
 * Counterexample files: everything needed to replay a failure, as JSON. A file is read
 * only through this schema, so a bad one gets one line naming the JSON path of its first
 * problem.
 */
import { z } from 'zod';
import { FailureIdSchema, InvariantIdSchema } from './failures.js';
import { MAX_OPS, int, list, name, text } from './bounds.js';
import { checkCaseFields, testCaseShape } from './case.js';
import { HostInfoSchema } from './limits.js';

export const FORMAT = 'kvm-oracle-counterexample/1';

export const CounterexampleSchema = z
  .strictObject({
    format: z.literal(FORMAT, { error: `expected "${FORMAT}"` }),
    /** the docs/SPEC.md invariant id, CONFORMANCE, or an IMPL_* / DEADLOCK verdict */
    invariant: FailureIdSchema,
    /** what the monitor or the conformance check said */
    message: text(1 << 16).default(''),
    /** how it broke, named: the monitor's reason, or the kind of conformance difference (part of the signature) */
    reason: text(200).optional(),
    /** the check that failed is not about the operation it fired in: the signature leaves the operation out */
    anyOp: z.literal(true).optional(),
    /** index of the operation where it was seen (-1: before the first) */
    step: int(-1, MAX_OPS - 1).default(-1),
    /** the campaign's seed (fast-check's seed is a 32-bit integer) */
    seed: int(-(2 ** 31), 2 ** 32 - 1),
    /** the --impl it ran on: builtin, kvm, module:PATH or exec:COMMAND */
    implementation: text(4096),
    mutant: name().nullable(),
    /** the machine it ran on, as the implementation told it (a real kernel: release, vendor module, MMU parameters) */
    host: HostInfoSchema.optional(),
    ...testCaseShape,
    /** monitors that were switched off (--disable) */
    disabled: list(InvariantIdSchema, 64).optional(),
    /** the engine that drew and shrank the case (`fuzz --engine`); absent: fast-check */
    engine: z.enum(['fast-check', 'jsverify']).optional(),
    /** found by `kvm-oracle explore` within this bound (its seed is then 0: explore draws nothing) */
    explore: z.strictObject({ depth: int(0, MAX_OPS), threads: int(1, 2), preemptions: int(0, MAX_OPS) }).optional(),
  })
  .superRefine(checkCaseFields);
export type Counterexample = z.infer<typeof CounterexampleSchema>;
