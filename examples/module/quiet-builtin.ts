/**
 * An implementation under test written against the published types, loaded with
 * `--impl module:PATH` (compile it to JavaScript first). It wraps the built-in
 * implementation and reports no tracepoints, the way an implementation without tracing
 * would: it declares no events, so every monitor is reported as not checked and only the
 * conformance check judges it.
 *
 *   npx tsc --module nodenext --moduleResolution nodenext --target es2022 --outDir /tmp/q examples/module/quiet-builtin.ts
 *   npx kvm-oracle fuzz --impl module:/tmp/q/quiet-builtin.js
 */
import type { Capabilities, Implementation, ImplementationFactory, HostConfig } from 'kvm-mmu-oracle';
import { builtinFactory } from 'kvm-mmu-oracle/builtin';

const capabilities: Capabilities = { ...builtinFactory.capabilities, events: [], stepping: false };

const quiet: ImplementationFactory = {
  name: 'quiet-builtin',
  capabilities,
  create(config: HostConfig, mutant: string | null): Implementation {
    const inner = builtinFactory.create(config, mutant);
    return {
      apply: (op, tid) => inner.apply(op, tid),
      drainEvents: () => (inner.drainEvents(), []),
      abstract: () => inner.abstract(),
    };
  },
};

export default quiet;
