/**
 * Which corpus case a derived case starts from: drawn with a weight that grows with the
 * rarity of its features (each feature adds 1 / the number of kept cases that reached it),
 * as AFL favours the entries that alone cover an edge. A case that was kept for one
 * feature only it has outweighs the many that share the common ones, so the search spends
 * its mutations where the corpus is thin.
 */
import type fc from 'fast-check';
import type { TestCase } from '../../api/ops.js';
import type { GuideEntry } from './corpus.js';

export class Parents {
  /** cumulative weights, entry by entry */
  private readonly upTo: number[] = [];

  constructor(private readonly entries: readonly GuideEntry[]) {
    const count = new Map<string, number>();
    for (const e of entries) for (const f of e.features) count.set(f, (count.get(f) ?? 0) + 1);
    let total = 0;
    for (const e of entries) {
      for (const f of e.features) total += 1 / count.get(f)!;
      this.upTo.push(total);
    }
  }

  /** an entry's case, by weight (the corpus must not be empty) */
  draw(random: fc.Random): TestCase {
    const x = random.nextDouble() * this.upTo.at(-1)!;
    let [lo, hi] = [0, this.upTo.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.upTo[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.entries[lo]!.tc;
  }
}
