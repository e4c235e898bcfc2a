/**
 * The conformance check: the impl's result and abstract state must equal the model's.
 * On a mismatch it names the first differing path, so the report says what differs.
 */

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
  const d = firstDifference(impl, model, 'result');
  return d && `result differs: ${d}`;
};

export const checkState = (impl: unknown, model: unknown): string | null => {
  const d = firstDifference(impl, model, 'state');
  return d && `abstract state differs: ${d}`;
};
