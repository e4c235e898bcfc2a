/**
 * The guide corpus: the cases that reached a feature no case before them did, with their
 * features, in the order they were kept (append-only). Cases of epoch e are derived from
 * the corpus as it stood at the end of epoch e-1 (`visible`), and the engine folds each
 * epoch's new cases in stream order, so a seed gives the same corpus with any number of
 * workers.
 */
import type { TestCase } from '../../api/ops.js';
import { freshBefore } from './schedule.js';

/** cases per epoch (a multiple of the engine's CHUNK, so a stretch never straddles two) */
export const EPOCH = 500;
/** the corpus stops growing here (the oldest entries stay: they reached features first) */
export const MAX_ENTRIES = 2000;

export interface GuideEntry {
  readonly tc: TestCase;
  readonly features: readonly string[];
}

/** a case of the stream that reached a feature its epoch's corpus lacks */
export interface Novel {
  readonly index: number;
  readonly tc: TestCase;
  readonly features: readonly string[];
}

/** what a scan needs to make the cases of one epoch: the corpus it sees */
export interface GuideSnapshot {
  readonly epoch: number;
  readonly entries: readonly GuideEntry[];
  /** the base stream's case the epoch's first fresh case is (schedule.ts) */
  readonly freshStart: number;
}

export const epochOf = (index: number): number => Math.floor(index / EPOCH);

export class GuideCorpus {
  readonly entries: GuideEntry[] = [];
  readonly known = new Set<string>();
  /** visible[e]: how many entries the cases of epoch e see */
  private readonly visible: number[] = [];
  /** freshStart[e]: base stream cases taken by the epochs before e */
  private readonly freshStart: number[] = [0];
  /** epochs folded: the cases of epochs < folded are in */
  private folded = 0;
  private pending: Novel[] = [];

  constructor(initial: readonly GuideEntry[] = []) {
    for (const e of initial) this.add(e);
    this.visible.push(this.entries.length);
  }

  private add(e: GuideEntry): boolean {
    if (this.entries.length >= MAX_ENTRIES || e.features.every((f) => this.known.has(f))) return false;
    this.entries.push(e);
    for (const f of e.features) this.known.add(f);
    return true;
  }

  /** can cases of epoch e be made (every earlier epoch folded)? */
  ready(epoch: number): boolean {
    return epoch <= this.folded;
  }

  /** the corpus the cases of epoch e see (ready(e) must hold) */
  snapshot(epoch: number): GuideSnapshot {
    return { epoch, entries: this.entries.slice(0, this.visible[epoch]!), freshStart: this.freshStart[epoch]! };
  }

  /**
   * The scans' new cases, read in stream order; `readTo`: every case of this campaign
   * before that index is read. Each epoch read in full is folded in, case by case.
   */
  fold(novel: readonly Novel[], readTo: number): void {
    this.pending.push(...novel);
    while (readTo >= (this.folded + 1) * EPOCH) {
      const end = (this.folded + 1) * EPOCH;
      const now = this.pending.filter((n) => n.index < end).sort((a, b) => a.index - b.index);
      this.pending = this.pending.filter((n) => n.index >= end);
      for (const n of now) this.add({ tc: n.tc, features: n.features });
      this.freshStart.push(this.freshStart[this.folded]! + (this.visible[this.folded] === 0 ? EPOCH : freshBefore(EPOCH)));
      this.folded++;
      this.visible.push(this.entries.length);
    }
  }
}
