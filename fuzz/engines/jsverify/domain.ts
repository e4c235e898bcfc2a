/**
 * The jsverify arbitraries of value domains and operation tables (fuzz/gen/domain.ts), the
 * same data fast-check reads (fuzz/gen/domain-fc.ts): a pool is jsc.elements, a weighted
 * pool `frequency`, a row a jsc.record of its fields (it shrinks field by field), the rows
 * `weighted`. Each shrinks towards its first value, as fast-check's do.
 */
import jsc from 'jsverify';
import type { Op } from '../../../api/ops.js';
import { toOp, type Domain, type Fields, type OpSpec, type PieceSpec } from '../../gen/domain.js';
import { chance, frequency, mapped, maybe, weighted, widen, type Arb } from './combinators.js';

export const domainArb = (d: Domain): Arb<unknown> => {
  switch (d.t) {
    case 'pool':
      return d.values.length === 1 ? jsc.constant(d.values[0]) : jsc.elements([...d.values]);
    case 'weighted':
      return frequency(d.values);
    case 'range':
      return widen(jsc.integer(d.min, d.max));
    case 'bool':
      return widen(jsc.bool);
    case 'chance':
      return widen(chance(d.percent));
    case 'maybe':
      return widen(maybe(fieldsArb(d.fields), d.percent));
  }
};

/** a record of the fields (jsc.record; of no fields, an empty record: jsverify cannot shrink a tuple of none) */
export const fieldsArb = (f: Fields): Arb<Record<string, unknown>> =>
  Object.keys(f).length === 0
    ? jsc.constant({})
    : (jsc.record(Object.fromEntries(Object.entries(f).map(([k, d]) => [k, domainArb(d)]))) as Arb<Record<string, unknown>>);

/** one row's operations */
export const specArb = (s: OpSpec): Arb<Op> => {
  const rows = s.variants.map(([f, w]) => [mapped(fieldsArb(f), (r) => toOp(s.kind, r)), w] as const);
  return rows.length === 1 ? rows[0]![0] : weighted(rows);
};

/** a lifecycle piece: its draw, then its operations */
export const pieceSpecArb = (p: PieceSpec): Arb<Op[]> => mapped(fieldsArb(p.fields), p.ops);

/** the operations of a table's rows, by their weights */
export const tableArb = (rows: readonly OpSpec[]): Arb<Op> => weighted(rows.map((s) => [specArb(s), s.weight] as const));
