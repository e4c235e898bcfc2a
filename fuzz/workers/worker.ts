/**
 * The worker program, for fuzz and explore: rebuilds the implementation from its spec and
 * (for fuzz) the case stream from the seed, then scans stretches of the stream, probes
 * explored cases and runs single cases as the supervisor asks. Signals are the supervisor's business: it decides when a worker stops (and kills
 * it); a worker whose supervisor is gone exits.
 */
import { loadFactory } from '../impl/spec.js';
import { dieWithParent } from './orphan.js';
import { hasStream, scanCases } from '../campaign/executor.js';
import { probe } from '../explore/probe.js';
import { runCase, errorText, type RunOptions } from '../run/runner.js';
import type { CaseSource } from '../gen/stream.js';
import { caseSource } from '../campaign/source.js';
import type { FromWorker, ToWorker } from './protocol.js';

const send = (m: FromWorker): void => void process.send!(m);
let ready: { stream: CaseSource | null; opts: RunOptions; stats: boolean } | null = null;

const handle = async (m: ToWorker): Promise<void> => {
  switch (m.kind) {
    case 'init':
      try {
        const factory = await loadFactory(m.setup.spec, { ...(m.setup.opTimeoutMs !== undefined && { opTimeoutMs: m.setup.opTimeoutMs }) });
        const opts = { factory, mutant: m.setup.mutant, disabled: new Set(m.setup.disabled) };
        const s = m.setup;
        ready = { stream: hasStream(s) ? caseSource(s) : null, opts, stats: (hasStream(s) && s.stats) ?? false };
        return send({ kind: 'ready' });
      } catch (e) {
        return send({ kind: 'initFailed', message: errorText(e) });
      }
    case 'scan':
      if (!ready!.stream) throw new Error('this worker was set up without a case stream');
      return send({ kind: 'scanned', ...scanCases(ready!.stream, m.req, ready!.opts, ready!.stats, (index) => send({ kind: 'tick', index })) });
    case 'probe':
      return send({
        kind: 'probed',
        verdicts: m.jobs.map((job, k) => {
          const index = m.first + k;
          send({ kind: 'tick', index });
          return { index, ...probe(job, ready!.opts) };
        }),
      });
    case 'run': {
      let at = -1;
      const onOpStep = (index: number): void => void (index !== at && ((at = index), send({ kind: 'at', index })));
      return send({ kind: 'ran', outcome: runCase(m.tc, { ...ready!.opts, keepTrace: m.keepTrace, onOpBegin: (index) => send({ kind: 'op', index }), onOpEnd: (index, result) => send({ kind: 'opEnd', index, result }), onOpStep }) });
    }
  }
};

dieWithParent();
process.on('message', (m: ToWorker) => void handle(m));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => {
  // an exec: implementation's own process goes with the worker
  ready?.opts.factory.dispose?.();
  process.exit(0);
});
