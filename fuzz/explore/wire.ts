/**
 * The messages an explore worker (worker.ts) takes and sends beside those of fuzz's
 * workers (fuzz/workers/protocol.ts: init, run, tick): a batch of explored cases and their
 * probes. `first` numbers the batch's cases for the ticks, so a hang names its case.
 */
import type { Job, Probed } from './probe.js';

export type ExploreToWorker = { readonly kind: 'probe'; readonly first: number; readonly jobs: readonly Job[] };

export type ExploreFromWorker = { readonly kind: 'probed'; readonly results: readonly Probed[] };
