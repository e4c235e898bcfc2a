/**
 * The case stream: case i of a seed, made on its own. It is fast-check's own stream
 * (fc.check and fc.sample draw the same cases for the same seed: the generator
 * xorshift128plus(seed) jumped i + 1 times, with a bias that grows with i), so a case
 * depends on the seed and its index only, never on which worker made it, how many workers
 * there are, or what was generated before it. Shrinking goes through fast-check's own
 * shrinker of the same property, so a shrunk case is the one fc.check would find.
 */
import fc from 'fast-check';
import { xorshift128plus } from 'pure-rand/generator/xorshift128plus';
import type { TestCase } from '../../api/ops.js';
import type { GuideSnapshot, Novel } from '../guided/corpus.js';

/** a generated case with what fast-check needs to shrink it */
export type CaseValue = fc.Value<[TestCase]>;

/**
 * A case as any engine draws it: the case, and (hidden behind it) what the engine needs to
 * shrink it. fast-check's Value is one; fuzz/engines/jsverify/ makes the other.
 */
export interface Drawn {
  readonly value: readonly [TestCase];
}

/**
 * What the engine and the executors read cases from: case i of a seed, and its shrinks.
 * A guided stream (fuzz/guided/source.ts) also says which cases can be made yet, with
 * which corpus, and takes the new cases the scans found.
 */
export interface CaseSource {
  at(index: number): Drawn;
  shrinks(v: Drawn): Iterable<Drawn>;
  /** the most cases from `start` (every `stride`) one scan may take */
  stretch?(start: number, stride: number): number;
  /** may cases from `start` be made now? */
  ready?(start: number): boolean;
  /** what a scan from `start` must carry */
  guide?(start: number): GuideSnapshot | undefined;
  /** the new cases of a stretch read; every case before `readTo` is read */
  fold?(novel: readonly Novel[], readTo: number): void;
}

type Rng = ReturnType<typeof xorshift128plus>;

export class CaseStream {
  private readonly property: fc.IPropertyWithHooks<[TestCase]>;
  private readonly base: Rng;
  private rng: Rng;
  /** index of the case the next jump reaches */
  private next = 0;

  constructor(seed: number, arb: fc.Arbitrary<TestCase>) {
    this.property = fc.property(arb, () => true) as fc.IPropertyWithHooks<[TestCase]>;
    // fast-check reads a seed as a 32-bit integer (seed | 0)
    this.base = xorshift128plus(seed | 0);
    this.rng = this.base.clone();
  }

  /** case `index` (0-based); cheapest when asked in increasing order */
  at(index: number): CaseValue {
    if (index < this.next) [this.rng, this.next] = [this.base.clone(), 0];
    for (; this.next <= index; this.next++) this.rng.jump!();
    return this.property.generate(new fc.Random(this.rng), index);
  }

  /** the smaller cases fast-check would try next, best first */
  shrinks(v: CaseValue): Iterable<CaseValue> {
    return this.property.shrink(v);
  }
}
