import { describe, expect, it } from 'vitest';
import { BadInput } from '../fuzz/io.js';
import fc from 'fast-check';
import { CaseStream } from '../fuzz/gen/stream.js';
import { campaignArb } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { builtinFactory } from '../impl/builtin.js';
import { MAX_SEED, parseSeed } from '../fuzz/campaign/seed.js';
import { globalIndex, parseShard, shardRuns } from '../fuzz/campaign/shard.js';

const arb = campaignArb({}, reachOf(builtinFactory.capabilities, 'builtin'));
const text = (s: CaseStream, i: number) => JSON.stringify(s.at(i).value[0]);

describe('the case stream', () => {
  it('is fast-check\'s: case i is what fc.sample draws i-th for the seed, asked in any order', () => {
    const sampled = fc.sample(arb, { seed: 9, numRuns: 40 }).map((c) => JSON.stringify(c));
    const s = new CaseStream(9, arb);
    expect(Array.from({ length: 40 }, (_, i) => text(s, i))).toEqual(sampled);
    expect([31, 2, 17].map((i) => text(new CaseStream(9, arb), i))).toEqual([sampled[31], sampled[2], sampled[17]]);
  });

  it('folds seeds onto 32 bits, which is why --seed stops at 2^32 - 1', () => {
    expect(text(new CaseStream(2 ** 32 + 5, arb), 3)).toBe(text(new CaseStream(5, arb), 3));
    expect(text(new CaseStream(MAX_SEED, arb), 3)).not.toBe(text(new CaseStream(MAX_SEED - 1, arb), 3));
    expect(parseSeed(String(MAX_SEED)).seed).toBe(MAX_SEED);
    for (const bad of [String(MAX_SEED + 1), '-1', '1.5', 'x']) expect(() => parseSeed(bad), bad).toThrow(BadInput);
  });

  it('draws a --seed random in range, and says it was drawn', () => {
    const seeds = Array.from({ length: 20 }, () => parseSeed('random'));
    expect(seeds.every((s) => s.drawn && Number.isInteger(s.seed) && s.seed >= 0 && s.seed <= MAX_SEED)).toBe(true);
    expect(new Set(seeds.map((s) => s.seed)).size).toBeGreaterThan(1);
    expect(parseSeed(undefined)).toEqual({ seed: 1, drawn: false });
  });
});

describe('shards', () => {
  it('split the campaign\'s cases between them, each case once', () => {
    const runs = 103;
    const all = [1, 2, 3].flatMap((index) => Array.from({ length: shardRuns({ index, count: 3 }, runs) }, (_, p) => globalIndex({ index, count: 3 }, p)));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, i) => i));
  });

  it('are I/N with 1 <= I <= N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3']) expect(() => parseShard(bad), bad).toThrow(BadInput);
  });
});
