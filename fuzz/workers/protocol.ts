/**
 * Messages between the supervisor (pool.ts) and a worker process (worker.ts), sent with
 * structured clone over the IPC channel, so a case arrives exactly as it was made.
 */
import type { TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import type { CaseSetup, ScanRequest, Scanned } from '../campaign/executor.js';
import type { Stats } from '../report/stats.js';
import type { Novel } from '../guided/corpus.js';
import type { KeepTrace, RunOutcome } from '../run/runner.js';

export type ToWorker =
  | { readonly kind: 'init'; readonly setup: CaseSetup }
  | { readonly kind: 'scan'; readonly req: ScanRequest }
  | { readonly kind: 'run'; readonly tc: TestCase; readonly keepTrace: KeepTrace };


export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'initFailed'; readonly message: string }
  /** case `index` of the stream begins: the watchdog's clock for it starts */
  | { readonly kind: 'tick'; readonly index: number }
  /** operation `index` of the case being run begins: a hang names it */
  | { readonly kind: 'op'; readonly index: number }
  /** operation `index` of the case being run is stepped now (the one a hang is in) */
  | { readonly kind: 'at'; readonly index: number }
  /** operation `index` of the case being run returned */
  | { readonly kind: 'opEnd'; readonly index: number; readonly result: Result }
  | { readonly kind: 'scanned'; readonly verdicts: Scanned[]; readonly stats: Stats | null; readonly novel?: Novel[] }
  | { readonly kind: 'ran'; readonly outcome: RunOutcome };
