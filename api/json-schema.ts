/**
 * The JSON Schema files in schema/, made from the zod schemas: what an adapter author in
 * C, Rust or Python validates messages against. `npm run schema` writes them; a test
 * checks they are up to date. Checks across fields (a thread per operation, preemptions
 * of existing operations) are in the zod schemas only and are named in each file's
 * description.
 */
import { z } from 'zod';
import { OpSchema, HostConfigSchema } from './ops.js';
import { ResultSchema } from './results.js';
import { TraceEventSchema } from './events.js';
import { AbstractStateSchema } from './abstract.js';
import { TestCaseSchema } from './case.js';
import { CounterexampleSchema } from './counterexample.js';
import { CapabilitiesSchema, Replies, RequestSchema } from './protocol.js';

const CROSS_FIELD = 'Also checked by the harness: "threads" has one entry per operation, "preemptions" need "threads" and name existing operations.';

const FILES: Record<string, { schema: z.ZodType; title: string; note?: string }> = {
  'host-config.json': { schema: HostConfigSchema, title: 'HostConfig: the host before the first operation' },
  'op.json': { schema: OpSchema, title: 'Op: one operation the fuzzer issues' },
  'result.json': { schema: ResultSchema, title: 'Result: what userspace observes' },
  'trace-event.json': { schema: TraceEventSchema, title: 'TraceEvent: one tracepoint the implementation reports' },
  'abstract-state.json': { schema: AbstractStateSchema, title: 'AbstractState: the state model and implementation must agree on' },
  'test-case.json': { schema: TestCaseSchema, title: 'TestCase: a host config and operations, with threads and preemptions', note: CROSS_FIELD },
  'counterexample.json': { schema: CounterexampleSchema, title: 'Counterexample file (kvm-oracle-counterexample/1)', note: CROSS_FIELD },
  'capabilities.json': { schema: CapabilitiesSchema, title: 'Capabilities an implementation declares in its handshake' },
  'request.json': { schema: RequestSchema, title: 'Protocol request: harness to implementation, one JSON line' },
  'reply.json': { schema: z.union(Object.values(Replies)), title: 'Protocol reply: implementation to harness, one JSON line per request' },
};

/** Every schema file, by name, as the JSON text to write (2-space indent, final newline). */
export const jsonSchemaFiles = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(FILES).map(([file, { schema, title, note }]) => {
      const js = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input', reused: 'ref' }) as Record<string, unknown>;
      const doc = { $id: `https://kvm-mmu-oracle/schema/${file}`, title, ...(note && { description: note }), ...js };
      return [file, JSON.stringify(doc, null, 2) + '\n'];
    }),
  );
