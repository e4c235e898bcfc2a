/**
 * Value domains as plain data: what a field of a generated operation may be, with the
 * share each value gets. Both engines read the same domains (fuzz/gen/domain-fc.ts for
 * fast-check, fuzz/engines/jsverify/domain.ts for jsverify), so an operation's values are
 * declared once (fuzz/gen/op-table.ts). Every domain shrinks towards its first value.
 */
import type { Op, OpKind } from '../../api/ops.js';

export type Weighted<T> = readonly (readonly [T, number])[];

export type Domain =
  /** one of `values`, each listed once per share it gets */
  | { readonly t: 'pool'; readonly values: readonly unknown[] }
  /** one of `values`, by weight */
  | { readonly t: 'weighted'; readonly values: Weighted<unknown> }
  /** an integer of min..max, uniform */
  | { readonly t: 'range'; readonly min: number; readonly max: number }
  | { readonly t: 'bool' }
  /** true `percent` times in 100; shrinks to false */
  | { readonly t: 'chance'; readonly percent: number }
  /** a record of `fields` `percent` times in 100, else null */
  | { readonly t: 'maybe'; readonly percent: number; readonly fields: Fields };

export type Fields = Readonly<Record<string, Domain>>;

export const pool = (values: readonly unknown[]): Domain => ({ t: 'pool', values });
export const weighted = (values: Weighted<unknown>): Domain => ({ t: 'weighted', values });
export const value = (v: unknown): Domain => ({ t: 'pool', values: [v] });
export const range = (min: number, max: number): Domain => ({ t: 'range', min, max });
export const bool: Domain = { t: 'bool' };
export const chance = (percent: number): Domain => ({ t: 'chance', percent });
export const maybe = (percent: number, fields: Fields): Domain => ({ t: 'maybe', percent, fields });

/** the fields of operation kind K, each with its domain (an optional field may be left out) */
type Body<K extends OpKind> = Omit<Extract<Op, { kind: K }>, 'kind'>;
export type FieldsOf<K extends OpKind> = { readonly [P in keyof Body<K>]: Domain };

/**
 * One row of an operation table: an operation kind (under a shape name, when one kind is
 * drawn in several ways), its weight among the single operations, and its fields' domains,
 * as one set or as several variants by weight (the variant's fields over the common ones).
 */
export interface OpSpec {
  readonly shape: string;
  readonly kind: OpKind;
  readonly weight: number;
  readonly variants: Weighted<Fields>;
  /** the model cannot check it against a concurrent run: a case with it runs on one thread */
  readonly sequentialOnly?: boolean;
}

/** a row whose fields are one set */
export const opSpec = <K extends OpKind>(kind: K, weight: number, fields: FieldsOf<K>, more: Partial<Pick<OpSpec, 'shape' | 'sequentialOnly'>> = {}): OpSpec => ({
  shape: more.shape ?? kind, kind, weight, variants: [[fields as Fields, 1]], ...(more.sequentialOnly && { sequentialOnly: true }),
});

/** a row drawn as one of several variants, by weight, each over the common fields */
export const opVariants = <K extends OpKind>(kind: K, weight: number, common: Partial<FieldsOf<K>>, variants: Weighted<Partial<FieldsOf<K>>>, shape: string = kind): OpSpec => ({
  shape, kind, weight, variants: variants.map(([v, w]) => [{ ...common, ...v } as Fields, w] as const),
});

/**
 * A piece of several operations (a lifecycle): what is drawn for it, as fields with their
 * domains, and the operations that draw becomes. Both engines draw the fields their way.
 */
export interface PieceSpec {
  readonly name: string;
  readonly weight: number;
  readonly fields: Fields;
  readonly ops: (draw: Record<string, unknown>) => Op[];
}

/** what a drawn record becomes: the operation of this row */
export const toOp = (kind: OpKind, fields: Record<string, unknown>): Op => ({ kind, ...fields }) as Op;
