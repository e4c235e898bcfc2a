/**
 * `--impl SPEC`: which implementation a command runs on, and how it is loaded.
 *   builtin         the built-in implementation (impl/)
 *   kvm             the real Linux KVM on this machine, through adapters/kvm (npm run build:kvm)
 *   module:PATH     a JavaScript module whose default export is an ImplementationFactory
 *   exec:COMMAND    a process that speaks the protocol on stdin/stdout (docs/PROTOCOL.md)
 * The spec string is what counterexamples record, so `replay` loads the same one.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImplementationFactory } from '../../api/implementation.js';
import { CapabilitiesSchema } from '../../api/protocol.js';
import { check } from '../../api/validate.js';
import { builtinFactory } from '../../impl/builtin.js';
import { ImplFault, errorText } from '../run/fault.js';
import { DEFAULT_OP_TIMEOUT_MS, ExecFactory } from './exec.js';
import { validatingFactory } from './validating.js';
import { probeModule } from './module-probe.js';

/** The implementation cannot be loaded or started: exit 2 with this line. */
export class ImplLoadError extends Error {}

/** The folder holding package.json: where adapters/ lives, from the sources or from dist/. */
export const packageRoot = (): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
};

/** The real-KVM adapter's binary (built by npm run build:kvm). */
export const kvmAdapterPath = (): string => join(packageRoot(), 'adapters', 'kvm', 'build', 'kvm-oracle-kvm');

export interface LoadOptions {
  /** wall-clock limit for one reply of an exec: implementation */
  readonly opTimeoutMs?: number;
  /** a module: is loaded first where it can be stopped, within this many ms (module-probe.ts) */
  readonly loadTimeoutMs?: number;
}

const fromModule = async (spec: string, path: string, o: LoadOptions): Promise<ImplementationFactory> => {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new ImplLoadError(`${spec}: no such file ${file}`);
  if (o.loadTimeoutMs !== undefined) {
    const why = await probeModule(pathToFileURL(file).href, o.loadTimeoutMs);
    if (why) throw new ImplLoadError(`${spec}: ${why}`);
  }
  let mod: { default?: unknown };
  // a module that ends the process while it loads (process.exit, a top-level await that
  // never settles: exit 13) is one line and exit 2, not a silent exit 0
  const onExit = (code: number): void => {
    process.stderr.write(`kvm-oracle: ${spec}: the process ended while the module was loading (it called process.exit(${code}), or its top-level await never settles)\n`);
    process.exitCode = 2;
  };
  process.once('exit', onExit);
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new ImplLoadError(`${spec}: cannot load the module: ${errorText(e)}`);
  } finally {
    process.off('exit', onExit);
  }
  const f = mod.default as Partial<ImplementationFactory> | undefined;
  if (!f || typeof f !== 'object' || typeof f.create !== 'function' || typeof f.name !== 'string') {
    throw new ImplLoadError(`${spec}: the default export is not an ImplementationFactory ({ name, capabilities, create })`);
  }
  const caps = check(CapabilitiesSchema, f.capabilities);
  if (!caps.ok) throw new ImplLoadError(`${spec}: capabilities.${caps.problem}`);
  return validatingFactory({ ...(f as ImplementationFactory), capabilities: caps.value });
};

const fromExec = (spec: string, command: string, o: LoadOptions): ImplementationFactory => {
  try {
    return new ExecFactory(command, o.opTimeoutMs ?? DEFAULT_OP_TIMEOUT_MS);
  } catch (e) {
    const why = e instanceof ImplFault ? `${e.id}: ${e.message}` : errorText(e);
    throw new ImplLoadError(`${spec}: the handshake failed: ${why}`);
  }
};

/** A short one-line reason when this machine cannot run real KVM cases, else null. */
export const kvmUnavailable = (): string | null => {
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm on this machine';
  if (!existsSync(kvmAdapterPath())) return `the KVM adapter is not built (npm run build:kvm; ${kvmAdapterPath()} is missing)`;
  return null;
};

export const loadFactory = async (spec: string, o: LoadOptions = {}): Promise<ImplementationFactory> => {
  if (spec === 'builtin') return builtinFactory;
  if (spec === 'kvm') {
    const why = kvmUnavailable();
    if (why) throw new ImplLoadError(`kvm: ${why}`);
    return fromExec(spec, JSON.stringify(kvmAdapterPath()), o);
  }
  if (spec.startsWith('module:') && spec.length > 7) return fromModule(spec, spec.slice(7), o);
  if (spec.startsWith('exec:') && spec.trim().length > 5) return fromExec(spec, spec.slice(5), o);
  throw new ImplLoadError(`unknown implementation ${JSON.stringify(spec)} (builtin, kvm, module:PATH or exec:COMMAND)`);
};
