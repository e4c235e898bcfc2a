/**
 * The guided case stream: case i of epoch e (corpus.ts) is, by a coin drawn from the seed
 * and i alone, either case i of the engine's own stream, or a mutation (mutate.ts) of a
 * case of the corpus as epoch e sees it. So case i depends on the seed, i and that
 * corpus, never on workers or timing. A case of the base stream shrinks as the base
 * stream shrinks it; a derived one by removal (shrink.ts).
 */
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CaseSource, Drawn } from '../gen/stream.js';
import type { CaseShape } from '../gen/arbitraries.js';
import { restrictCase, type Reach } from '../gen/reach.js';
import { EPOCH, GuideCorpus, epochOf, type GuideSnapshot, type Novel } from './corpus.js';
import { mutate } from './mutate.js';
import { removals } from './shrink.js';

/** of the cases of an epoch with a corpus, the share (percent) drawn fresh from the base stream */
export const FRESH_PERCENT = 40;
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

  private entriesFor(epoch: number): GuideSnapshot['entries'] {
    const s = this.corpus?.snapshot(epoch) ?? this.snapshots.get(epoch);
    if (!s) throw new Error(`guided stream: no corpus for epoch ${epoch}`);
    return s.entries;
  }

  at(index: number): GuidedDrawn {
    const entries = this.entriesFor(epochOf(index));
    const random = new fc.Random(xoroshiro128plus(mix(this.seed, index)));
    if (entries.length === 0 || random.nextInt(0, 99) < FRESH_PERCENT) {
      const b = this.base.at(index);
      return { value: b.value, base: b };
    }
    const parent = entries[random.nextInt(0, entries.length - 1)]!.tc;
    const other = entries[random.nextInt(0, entries.length - 1)]!.tc;
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

