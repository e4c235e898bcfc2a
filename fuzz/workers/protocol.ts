/**
 * Messages between the supervisor (pool.ts) and the worker program (worker.ts), for fuzz
 * and explore alike, sent with
 * structured clone over the IPC channel, so a case arrives exactly as it was made.
 */
import type { TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import type { Numbered, ScanRequest, Scanned, WorkerSetup } from '../campaign/executor.js';
import type { Job } from '../explore/probe.js';
import type { Stats } from '../report/stats.js';
import type { Novel } from '../guided/corpus.js';
import type { KeepTrace, RunOutcome } from '../run/runner.js';

export type ToWorker =
  | { readonly kind: 'init'; readonly setup: WorkerSetup }
  | { readonly kind: 'scan'; readonly req: ScanRequest }
  /** explored cases, numbered from `first` (the ticks name them, so a hang names its case) */
  | { readonly kind: 'probe'; readonly first: number; readonly jobs: readonly Job[] }
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
  /** the probes of a 'probe' message, in order */
  | { readonly kind: 'probed'; readonly verdicts: Numbered[] }
  | { readonly kind: 'ran'; readonly outcome: RunOutcome };
