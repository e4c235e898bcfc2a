/**
 * Odds that shrink well: a flag true with some chance, and an optional value. Both shrink
 * to "absent" at any point of shrinking, so optional parts of a case always shrink away.
 */
import fc from 'fast-check';

/**
 * true with this chance; shrinks to false at any point of shrinking. Unbiased: fast-check's
 * bias towards the ends of a range would make a 96% chance about 90%.
 */
export const chance = (percent: number): fc.Arbitrary<boolean> => fc.noBias(fc.integer({ min: 0, max: 99 })).map((n) => n >= 100 - percent);

/**
 * `arb`'s value with this chance, else null. Unlike fc.option, it can still shrink to null
 * after the value itself has shrunk, so optional parts of a piece always shrink away.
 */
export const maybe = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> =>
  fc.tuple(chance(percent), arb).map(([on, v]) => (on ? v : null));
