/**
 * Parsing against a schema with one line of explanation: the JSON path of the first
 * problem and what was expected there, e.g. `ops[3].npages: expected integer 0..2^18, got
 * 1000000000`.
 */
import type { z } from 'zod';
import { shown } from './bounds.js';

type Path = readonly PropertyKey[];

/** `ops[3].npages` for ['ops', 3, 'npages']; `(top level)` for []. */
export const pathText = (path: Path): string => {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s === '' ? '(top level)' : s;
};

const valueAt = (root: unknown, path: Path): unknown => {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
};

/** One issue as a line; the value is looked up in `input` where zod does not say it. */
export const issueText = (iss: z.core.$ZodIssue, input: unknown): string => {
  const at = pathText(iss.path);
  if (iss.code === 'invalid_union' && 'discriminator' in iss && Array.isArray((iss as { options?: unknown }).options)) {
    const options = (iss as unknown as { options: string[] }).options;
    return `${at}: expected one of ${options.join(', ')}, got ${shown(valueAt(input, iss.path))}`;
  }
  if (iss.code === 'unrecognized_keys') return `${at}: unknown field ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  // zod's own wording ("Invalid input: ...") is replaced; the schema's messages are kept
  if (!iss.message.startsWith('Invalid')) return `${at}: ${iss.message}`;
  if (iss.code === 'invalid_type' && valueAt(input, iss.path) === undefined) return `${at}: missing (expected ${iss.expected})`;
  if (iss.code === 'invalid_type') return `${at}: expected ${iss.expected}, got ${shown(valueAt(input, iss.path))}`;
  return `${at}: ${iss.message.replace(/^Invalid input: /, '')}, got ${shown(valueAt(input, iss.path))}`;
};

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Validates `input`; on failure, the first problem as one line. */
export const check = <S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> => {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problem: issueText(r.error.issues[0]!, input) };
};

/** JSON text to a validated value; not JSON is a problem like any other. */
export const checkJson = <S extends z.ZodType>(schema: S, text: string): Parsed<z.infer<S>> => {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not JSON (${(e as Error).message})` };
  }
  return check(schema, j);
};
