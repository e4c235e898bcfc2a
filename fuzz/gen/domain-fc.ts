/**
 * The fast-check arbitraries of value domains and operation tables (fuzz/gen/domain.ts):
 * a pool is fc.constantFrom, a weighted pool and a table's rows fc.oneof by weight, a row
 * an fc.record of its fields. Each shrinks towards its first value, row or variant.
 */
import fc from 'fast-check';
import type { Op } from '../../api/ops.js';
import { chance, maybe } from './chance.js';
import { toOp, type Domain, type Fields, type OpSpec, type PieceSpec, type Weighted } from './domain.js';

const byWeight = <T>(arbs: Weighted<fc.Arbitrary<T>>): fc.Arbitrary<T> =>
  arbs.length === 1 ? arbs[0]![0] : fc.oneof(...arbs.map(([arbitrary, weight]) => ({ weight, arbitrary })));

export const domainArb = (d: Domain): fc.Arbitrary<unknown> => {
  switch (d.t) {
    case 'pool':
      return d.values.length === 1 ? fc.constant(d.values[0]) : fc.constantFrom(...d.values);
    case 'weighted':
      return byWeight(d.values.map(([v, w]) => [fc.constant(v), w] as const));
    case 'range':
      return fc.integer({ min: d.min, max: d.max });
    case 'bool':
      return fc.boolean();
    case 'chance':
      return chance(d.percent);
    case 'maybe':
      return maybe(fieldsArb(d.fields), d.percent);
  }
};

export const fieldsArb = (f: Fields): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(Object.fromEntries(Object.entries(f).map(([k, d]) => [k, domainArb(d)])));

/** one row's operations */
export const specArb = (s: OpSpec): fc.Arbitrary<Op> => byWeight(s.variants.map(([f, w]) => [fieldsArb(f).map((r) => toOp(s.kind, r)), w] as const));

/** a lifecycle piece: its draw, then its operations */
export const pieceSpecArb = (p: PieceSpec): fc.Arbitrary<Op[]> => fieldsArb(p.fields).map(p.ops);

/** the operations of a table's rows, by their weights */
export const tableArb = (rows: readonly OpSpec[]): fc.Arbitrary<Op> => byWeight(rows.map((s) => [specArb(s), s.weight] as const));
