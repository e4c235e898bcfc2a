/** What the commands share: loading --impl, checking --mutant and --disable, the not-checked lines. */
import { BadInput } from '../io.js';
import type { ImplementationFactory } from '../../api/implementation.js';
import { INVARIANT_IDS } from '../../oracle/monitors/index.js';
import { notCheckedLines } from '../../oracle/applicable.js';
import { partsNotCompared } from '../../oracle/abstract-parts.js';
import { durationOption, type Parsed } from './options.js';
import { loadFactory } from '../impl/spec.js';
import { MODULE_LOAD_MS } from '../impl/module-probe.js';
import { hostLines, withKernelGaps } from '../impl/host-info.js';
import { applicableFor } from '../run/monitors.js';
import { DEFAULT_OP_TIMEOUT_MS } from '../impl/exec.js';

export type { Io } from '../io.js';

/** the options every command that runs cases takes */
export const IMPL_OPTIONS = { impl: { value: true }, 'op-timeout': { value: true } } as const;

export const opTimeout = (p: Parsed): number => {
  const ms = durationOption(p, 'op-timeout') ?? DEFAULT_OP_TIMEOUT_MS;
  if (ms < 1) throw new BadInput('--op-timeout must be at least 1ms');
  return ms;
};

/** Loads the implementation `spec` names (ImplLoadError when it cannot be started). */
export const implOption = (p: Parsed, fallback = 'builtin'): Promise<{ spec: string; factory: ImplementationFactory }> => {
  const v = p.options.get('impl');
  if (v === true) throw new BadInput('--impl needs a value');
  const spec = v ?? fallback;
  // a module: loads under the case watchdog (module-probe.ts)
  const loadTimeoutMs = Math.max(1000, durationOption(p, 'case-timeout') ?? MODULE_LOAD_MS);
  return loadFactory(spec, { opTimeoutMs: opTimeout(p), loadTimeoutMs }).then((factory) => ({ spec, factory }));
};

export const checkMutant = (factory: ImplementationFactory, spec: string, m: string | true | undefined): string | null => {
  if (m === undefined) return null;
  if (m === true || !factory.capabilities.mutants.includes(m)) {
    throw new BadInput(`unknown mutant ${JSON.stringify(m)} for ${spec} (kvm-oracle mutants --list --impl ${spec})`);
  }
  return m;
};

/** --disable ID[,ID...]: monitors switched off, by invariant id */
export const disabledOption = (p: Parsed): Set<string> => {
  const v = p.options.get('disable');
  if (v === undefined) return new Set();
  const ids = String(v).split(',').filter(Boolean);
  for (const id of ids) if (!INVARIANT_IDS.includes(id as never)) throw new BadInput(`--disable: unknown invariant ${JSON.stringify(id)} (known: ${INVARIANT_IDS.join(', ')})`);
  return new Set(ids);
};

/** A comma-separated list option, or undefined. */
export const listOption = (p: Parsed, name: string): string[] | undefined => {
  const v = p.options.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new BadInput(`--${name} needs a value`);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
};

/** What this implementation leaves unchecked: monitors it cannot feed, state parts it cannot show. */
export const notCheckedReport = (factory: ImplementationFactory, spec: string, disabled: ReadonlySet<string>): string[] => {
  const a = applicableFor(factory, disabled);
  const gaps = withKernelGaps(factory.capabilities, a);
  const lines = [...gaps.lines, ...notCheckedLines(gaps.rest, spec)];
  const parts = partsNotCompared(new Set(factory.capabilities.abstract));
  if (parts.length) lines.push(`not compared with the model: abstract state ${parts.join(', ')} (not shown by ${spec})`);
  // a real kernel: the machine, its tracepoints and its log (fuzz/impl/host-info.ts)
  return [...hostLines(factory.capabilities, spec, a), ...lines];
};
