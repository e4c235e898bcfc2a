/**
 * The jsverify case stream: case i of a seed is the arbitrary's generator run right after
 * jsverify's global generator is set to case i's state (rng.ts), at a size drawn as
 * jsc.check draws it (0..50); shrinking is the arbitrary's own shrink, lazily, best first.
 * The same interface as fast-check's stream (fuzz/gen/stream.ts), so the engine, the
 * executors and the workers read it the same way.
 */
import jsc from 'jsverify';
import type { TestCase } from '../../../api/ops.js';
import type { CaseSource, Drawn } from '../../gen/stream.js';
import { CaseRng } from './rng.js';
import { shrinksOf } from './combinators.js';

/** jsc.check's default size: each case draws its own size in 0..SIZE */
export const SIZE = 50;

const drawn = (tc: TestCase): Drawn => ({ value: [tc] });

export class JsverifyStream implements CaseSource {
  private readonly rng: CaseRng;

  constructor(seed: number, private readonly arb: jsc.Arbitrary<TestCase>) {
    this.rng = new CaseRng(seed);
  }

  at(index: number): Drawn {
    this.rng.seedCase(index);
    return drawn(this.arb.generator(jsc.random(0, SIZE)));
  }

  *shrinks(v: Drawn): Iterable<Drawn> {
    for (const tc of shrinksOf(this.arb, v.value[0])) yield drawn(tc);
  }
}
