/**
 * An in-process implementation from elsewhere (`--impl module:PATH`) is held to the same
 * schema as a process on the protocol: every result, event and abstract state it returns
 * is validated, and a bad one is an IMPL_PROTOCOL failure naming the JSON path.
 */
import type { z } from 'zod';
import type { Implementation, ImplementationFactory, OpThread } from '../../api/implementation.js';
import { ResultSchema } from '../../api/results.js';
import { TraceEventSchema } from '../../api/events.js';
import { AbstractStateSchema } from '../../api/abstract.js';
import { CaseStepSchema } from '../../api/protocol.js';
import { check } from '../../api/validate.js';
import { ImplFault } from '../run/fault.js';

const valid = <S extends z.ZodType>(schema: S, what: string, v: unknown): z.infer<S> => {
  const r = check(schema, v);
  if (!r.ok) throw new ImplFault('IMPL_PROTOCOL', `${what}: ${r.problem}`);
  return r.value;
};

const validatingImpl = (impl: Implementation): Implementation => {
  const begin = impl.begin?.bind(impl);
  const runCase = impl.runCase?.bind(impl);
  return {
    apply: (op, tid) => valid(ResultSchema, 'apply() returned', impl.apply(op, tid)),
    ...(begin && {
      begin: (tid, op): OpThread => {
        const t = begin(tid, op);
        return {
          step: () => {
            const s = t.step();
            if (s && s.done) return { done: true, result: valid(ResultSchema, 'step() returned', s.result) };
            if (!s || typeof s !== 'object' || !s.point) throw new ImplFault('IMPL_PROTOCOL', `step() returned ${JSON.stringify(s)}`);
            return s;
          },
        };
      },
    }),
    ...(runCase && {
      runCase: (ops, states, prelude) => {
        const r = runCase(ops, states, prelude);
        r.steps.forEach((s, i) => valid(CaseStepSchema, `runCase() step ${i}`, s));
        if (r.final) valid(AbstractStateSchema, 'runCase() final state', r.final);
        return r;
      },
    }),
    drainEvents: () => {
      const evs = impl.drainEvents();
      if (!Array.isArray(evs)) throw new ImplFault('IMPL_PROTOCOL', `drainEvents() returned ${JSON.stringify(evs)}, not a list`);
      return evs.map((e, i) => valid(TraceEventSchema, `drainEvents()[${i}]`, e));
    },
    abstract: () => valid(AbstractStateSchema, 'abstract() returned', impl.abstract()),
    close: () => impl.close?.(),
  };
};

export const validatingFactory = (f: ImplementationFactory): ImplementationFactory => ({
  name: f.name,
  capabilities: f.capabilities,
  create: (config, mutant) => validatingImpl(f.create(config, mutant)),
  dispose: () => f.dispose?.(),
});
