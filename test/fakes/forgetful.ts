/** A test fake shared by the campaign-loop and report tests. */
import type { ImplementationFactory } from '../../api/implementation.js';
import type { Result } from '../../api/results.js';
import { builtinFactory } from '../../impl/builtin.js';

/** the built-in impl, but KVM_TRANSLATE answers "not mapped" always: only the model notices */
export const forgetful: ImplementationFactory = {
  name: 'forgetful-translate',
  capabilities: { ...builtinFactory.capabilities, mutants: [] },
  create(config) {
    const inner = builtinFactory.create(config, null);
    const wrong = (r: Result): Result => (r.kind === 'translation' ? { kind: 'translation', gpa: null } : r);
    return {
      apply: (op, tid) => wrong(inner.apply(op, tid)),
      begin: (tid, op) => {
        const t = inner.begin!(tid, op);
        return { step: () => { const s = t.step(); return s.done ? { done: true, result: wrong(s.result) } : s; } };
      },
      drainEvents: () => inner.drainEvents(),
      abstract: () => inner.abstract(),
    };
  },
};
