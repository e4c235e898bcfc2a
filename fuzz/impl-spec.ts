/**
 * The implementation under test, rebuilt from its spec string (the value of --impl), so a
 * worker process can make its own: the spec is what crosses the process boundary, never
 * the factory. "builtin" is impl/; "module:PATH" imports PATH (relative to the working
 * directory) and takes its `factory` export, or its default export.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImplementationFactory } from '../api/implementation.js';
import { builtinFactory } from '../impl/builtin.js';

export class ImplSpecError extends Error {}

const isFactory = (f: unknown): f is ImplementationFactory =>
  typeof f === 'object' && f !== null && typeof (f as ImplementationFactory).create === 'function' && typeof (f as ImplementationFactory).name === 'string';

export const loadFactory = async (spec: string): Promise<ImplementationFactory> => {
  if (spec === 'builtin') return builtinFactory;
  if (spec.startsWith('module:')) {
    const path = resolve(spec.slice('module:'.length));
    let m: Record<string, unknown>;
    try {
      m = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ImplSpecError(`cannot import ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const f = m.factory ?? m.default;
    if (!isFactory(f)) throw new ImplSpecError(`${path} exports no implementation factory (export "factory" or a default with name and create)`);
    return f;
  }
  throw new ImplSpecError(`unknown implementation ${JSON.stringify(spec)} (builtin, module:PATH)`);
};
