/**
 * The conformance check: the impl's result and abstract state must equal the model's.
 * `sameValue` decides, allocating nothing (it runs after every operation); only on a
 * mismatch does `firstDifference` walk again to name the first differing path, so the
 * report says what differs. The two agree exactly: sameValue(a, b) is true iff
 * firstDifference(a, b) is null (test/conformance-cheap.test.ts).
 */

const hasOwn = Object.prototype.hasOwnProperty;

/** a and b equal as firstDifference sees them: Object.is on leaves, a missing key as undefined */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b)) return false;
  if (arr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return sameKeys(a, b);
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  return sameKeys(a, b);
};

/** objects, and arrays of unequal length (a trailing undefined counts as absent): the own enumerable keys of both */
const sameKeys = (a: object, b: object): boolean => {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (hasOwn.call(x, k) && !sameValue(x[k], y[k])) return false;
  for (const k in y) if (hasOwn.call(y, k) && !hasOwn.call(x, k) && !sameValue(x[k], y[k])) return false;
  return true;
};

/** The first path at which a and b differ, with both values; null when equal. */
export const firstDifference = (a: unknown, b: unknown, path = '$'): string | null => {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: impl ${JSON.stringify(a)}, model ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  return null;
};

export const checkResult = (impl: unknown, model: unknown): string | null => {
  if (sameValue(impl, model)) return null;
  const d = firstDifference(impl, model, 'result');
  return d && `result differs: ${d}`;
};

export const checkState = (impl: unknown, model: unknown): string | null => {
  if (sameValue(impl, model)) return null;
  const d = firstDifference(impl, model, 'state');
  return d && `abstract state differs: ${d}`;
};

/**
 * The kind of a conformance difference, from its message: "result", or "state" and the
 * abstract part where the states first differ ("state vms.slots"), without indices or
 * values, so the same wrong behaviour gets the same reason in every case and on one
 * thread or several (a linearization's closest miss names the same kind).
 */
export const differenceKind = (message: string): string => {
  const st = /state differs: state((?:\.[A-Za-z]+|\[\d+\])*)/.exec(message);
  const rs = message.indexOf('result differs');
  if (st && (rs < 0 || st.index < rs)) {
    const parts = st[1]!.split('.').filter((p) => p).map((p) => p.replace(/\[\d+\]/g, '')).slice(0, 2);
    return parts.length ? `state ${parts.join('.')}` : 'state';
  }
  return rs >= 0 ? 'result' : 'no linearization';
};
