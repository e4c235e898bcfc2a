/**
 * The guided case stream: case i of epoch e (corpus.ts) is, by a fixed schedule
 * (schedule.ts), either the next case of the engine's own stream (fresh), or a mutation
 * (mutate.ts) of a case of the corpus as epoch e sees it, the parent drawn by the rarity
 * of its features (parents.ts). So case i depends on the seed, i and that corpus, never
 * on workers or timing. A case of the base stream shrinks as the base stream shrinks it;
 * a derived one by removal (shrink.ts).
 */
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CaseSource, Drawn } from '../gen/stream.js';
import type { CaseShape } from '../gen/arbitraries.js';
import { restrictCase, type Reach } from '../gen/reach.js';
import { EPOCH, GuideCorpus, epochOf, type GuideSnapshot, type Novel } from './corpus.js';
import { mutate } from './mutate.js';
import { removals } from './shrink.js';
import { freshBefore, isFresh } from './schedule.js';
import { Parents } from './parents.js';
/** mutations stacked on one derived case: 1 to this many */
export const MAX_STACK = 4;
/** a derived case may grow to this many times the case shape's maxOps (pressure needs length) */
export const GROWTH = 2;

/** a case of the guided stream: the base stream's (with what it needs to shrink), or derived */
interface GuidedDrawn extends Drawn {
  readonly base?: Drawn;
}

/** a 32-bit mix of seed and index (splitmix32's finalizer): the derived case's generator seed */
const mix = (seed: number, index: number): number => {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
};

export class GuidedSource implements CaseSource {
  /** the corpus of each epoch seen so far (the supervisor's own, or snapshots a scan brought) */
  private readonly snapshots = new Map<number, GuideSnapshot>();

  constructor(
    private readonly base: CaseSource,
    private readonly seed: number,
    private readonly shape: CaseShape,
    private readonly reach: Reach,
    /** the supervisor's corpus (a worker has none: it gets snapshots) */
    readonly corpus: GuideCorpus | null = null,
  ) {}

  private readonly knownSets = new Map<number, ReadonlySet<string>>();
  private readonly parents = new Map<number, Parents>();

  /** a scan brings the corpus its epoch sees */
  load(s: GuideSnapshot): void {
    if (!this.snapshots.has(s.epoch)) this.snapshots.set(s.epoch, s);
  }

  /** the features the corpus of epoch e reached: a case with one more is new */
  knownAt(epoch: number): ReadonlySet<string> {
    let k = this.knownSets.get(epoch);
    if (!k) this.knownSets.set(epoch, (k = new Set(this.entriesFor(epoch).flatMap((e) => e.features))));
    return k;
  }

  private snapshotOf(epoch: number): GuideSnapshot {
    const s = this.corpus?.snapshot(epoch) ?? this.snapshots.get(epoch);
    if (!s) throw new Error(`guided stream: no corpus for epoch ${epoch}`);
    return s;
  }

  private entriesFor(epoch: number): GuideSnapshot['entries'] {
    return this.snapshotOf(epoch).entries;
  }

  private parentsOf(epoch: number): Parents {
    let p = this.parents.get(epoch);
    if (!p) this.parents.set(epoch, (p = new Parents(this.entriesFor(epoch))));
    return p;
  }

  at(index: number): GuidedDrawn {
    const epoch = epochOf(index);
    const { entries, freshStart } = this.snapshotOf(epoch);
    const k = index - epoch * EPOCH;
    if (entries.length === 0 || isFresh(k)) {
      const b = this.base.at(freshStart + (entries.length === 0 ? k : freshBefore(k)));
      return { value: b.value, base: b };
    }
    const random = new fc.Random(xoroshiro128plus(mix(this.seed, index)));
    const parents = this.parentsOf(epoch);
    const parent = parents.draw(random);
    const other = parents.draw(random);
    const tc = mutate(parent, { random, vcpus: this.shape.vcpus, other }, random.nextInt(1, MAX_STACK), this.shape.maxOps * GROWTH);
    return { value: [restrictCase(tc, this.reach)] };
  }

  *shrinks(v: GuidedDrawn): Iterable<GuidedDrawn> {
    if (v.base) {
      for (const b of this.base.shrinks(v.base)) yield { value: b.value, base: b };
      return;
    }
    for (const tc of removals(v.value[0])) yield { value: [tc] };
  }

  /** the most cases from `start` (every `stride`) that lie in one epoch */
  stretch(start: number, stride: number): number {
    return Math.ceil(((epochOf(start) + 1) * EPOCH - start) / stride);
  }

  /** the supervisor: may the cases from `start` be made yet? */
  ready(start: number): boolean {
    return this.corpus?.ready(epochOf(start)) ?? true;
  }

  /** the supervisor: the corpus a scan from `start` must carry */
  guide(start: number): GuideSnapshot | undefined {
    return this.corpus?.snapshot(epochOf(start));
  }

  /** the supervisor: new cases of a stretch read, every case before `readTo` read */
  fold(novel: readonly Novel[], readTo: number): void {
    this.corpus?.fold(novel, readTo);
  }
}

