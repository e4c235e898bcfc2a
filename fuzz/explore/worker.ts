/**
 * An explore worker process: rebuilds the implementation from its spec (as fuzz's workers
 * do, through the same init message and WorkerProc), then probes the batches of explored
 * cases the supervisor sends, announcing each case (the watchdog's clock) and answering
 * with the probes in order.
 */
import { loadFactory } from '../impl/spec.js';
import { dieWithParent } from '../workers/orphan.js';
import { runCase, errorText, type RunOptions } from '../run/runner.js';
import type { FromWorker, ToWorker } from '../workers/protocol.js';
import { probe } from './probe.js';
import type { ExploreFromWorker, ExploreToWorker } from './exec.js';

const send = (m: FromWorker | ExploreFromWorker): void => void process.send!(m);
let opts: RunOptions | null = null;

const handle = async (m: ToWorker | ExploreToWorker): Promise<void> => {
  switch (m.kind) {
    case 'init':
      try {
        const factory = await loadFactory(m.setup.spec, { ...(m.setup.opTimeoutMs !== undefined && { opTimeoutMs: m.setup.opTimeoutMs }) });
        opts = { factory, mutant: m.setup.mutant, disabled: new Set(m.setup.disabled) };
        return send({ kind: 'ready' });
      } catch (e) {
        return send({ kind: 'initFailed', message: errorText(e) });
      }
    case 'probe':
      return send({
        kind: 'probed',
        results: m.jobs.map((job, k) => {
          send({ kind: 'tick', index: m.first + k });
          return probe(job, opts!);
        }),
      });
    case 'run':
      return send({ kind: 'ran', outcome: runCase(m.tc, { ...opts!, keepTrace: m.keepTrace, onOpBegin: (index) => send({ kind: 'op', index }) }) });
    case 'scan':
      throw new Error('an explore worker does not scan a case stream');
  }
};

dieWithParent();
process.on('message', (m: ToWorker | ExploreToWorker) => void handle(m));
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => {
  opts?.factory.dispose?.();
  process.exit(0);
});
