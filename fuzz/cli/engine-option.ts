/** `fuzz --engine NAME`: fast-check (the default) or jsverify; anything else is a usage error (exit 2). */
import { BadInput } from '../io.js';
import { type Parsed } from './options.js';
import { DEFAULT_ENGINE, ENGINES, isEngine, type EngineName } from '../engines/name.js';

export const engineOption = (p: Parsed): EngineName => {
  const v = p.options.get('engine');
  if (v === undefined) return DEFAULT_ENGINE;
  if (v === true || !isEngine(v)) throw new BadInput(`--engine must be ${ENGINES.join(' or ')}, got ${JSON.stringify(v)}`);
  return v;
};
