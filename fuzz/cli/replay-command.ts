/** `kvm-oracle replay FILE`: the stored case again, on the implementation and mutant it names. */
import { BadInput } from '../io.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { durationOption, intOption, parseArgs } from './options.js';
import { packageRoot } from '../impl/spec.js';
import { writeAtomic } from '../campaign/counterexample.js';
import { errorText } from '../run/fault.js';
import { BadCounterexample, readCounterexample, type Counterexample } from '../campaign/counterexample.js';
import { formatRecord } from '../report/format.js';
import { REPLAY_HELP } from './help.js';
import { outOfReach, reachOf } from '../gen/reach.js';
import { reportFailure } from '../report/report.js';
import type { RunOutcome } from '../run/runner.js';
import { Pool } from '../workers/pool.js';
import { CASE_TIMEOUT_MS } from './fuzz-command.js';
import { emitTest } from '../report/emit-test.js';
import { shellWord } from '../report/shell.js';
import { IMPL_OPTIONS, disabledOption, implOption, notCheckedReport, opTimeout, type Io } from './common.js';

export const replayCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, { trace: { value: false }, disable: { value: true }, 'emit-c': { value: true }, repeat: { value: true }, 'emit-test': { value: true }, 'case-timeout': { value: true }, ...IMPL_OPTIONS, help: { value: false } });
  if (p.options.has('help')) return io.out(REPLAY_HELP), 0;
  if (p.positional.length !== 1) throw new BadInput('replay takes exactly one FILE');
  const file = p.positional[0]!;
  const extra = disabledOption(p);
  const repeat = intOption(p, 'repeat', 1, 1);
  const emit = p.options.get('emit-c');
  if (emit === true) throw new BadInput('--emit-c needs a FILE');
  const caseTimeoutMs = durationOption(p, 'case-timeout') ?? CASE_TIMEOUT_MS;
  if (caseTimeoutMs < 1) throw new BadInput('--case-timeout must be more than 0');
  let cx: Counterexample;
  try {
    cx = readCounterexample(file);
  } catch (e) {
    if (e instanceof BadCounterexample) return io.err(`kvm-oracle replay: ${file}: ${e.message}`), 2;
    throw e;
  }
  if (emit !== undefined) return emitReproducer(cx, file, emit, io);
  // a file never chooses what runs: only --impl (default builtin) does (docs/RELIABILITY.md)
  const named = p.options.get('impl');
  if (named === undefined && cx.implementation !== 'builtin') {
    return io.err(`kvm-oracle replay: ${file}: found on ${JSON.stringify(cx.implementation)}, which replay runs only when --impl names it (--impl ${shellWord(cx.implementation)}), or give --impl builtin`), 2;
  }
  const { spec, factory } = await implOption(p);
  try {
    if (cx.mutant !== null && !factory.capabilities.mutants.includes(cx.mutant)) {
      return io.err(`kvm-oracle replay: ${file}: unknown mutant ${JSON.stringify(cx.mutant)} for ${spec}`), 2;
    }
    const lacking = outOfReach(cx, reachOf(factory.capabilities, spec), spec);
    if (lacking) return io.err(`kvm-oracle replay: ${file}: not checked: ${lacking}`), 2;
    const disabled = new Set([...(cx.disabled ?? []), ...extra]);
    const dir = p.options.get('emit-test') as string | undefined;
    if (dir !== undefined) return emitTest({ ...cx, ...(disabled.size && { disabled: [...disabled].sort() as Counterexample['disabled'] }) }, file, dir, spec, io);
    // in a worker process under the case watchdog, as in a campaign: a hang replays as IMPL_HANG
    const setup = { spec, opTimeoutMs: opTimeout(p), mutant: cx.mutant, disabled: [...disabled].sort() };
    const pool = await Pool.start({ workers: 0, caseTimeoutMs, setup });
    let outcome: RunOutcome;
    try {
      outcome = await pool.run(cx, true);
      // a race on real threads may or may not come back: say how often it did
      if (repeat > 1) {
        let again = outcome.failure ? 1 : 0;
        for (let i = 1; i < repeat; i++) if ((await pool.run(cx)).failure) again++;
        io.out(`kvm-oracle replay: ${file}: failed ${again} of ${repeat} runs`);
      }
    } finally {
      await pool.close();
    }
    if (p.options.has('trace')) for (const t of outcome.trace) io.out(`t${t.tid} ${formatRecord(t.record)}`);
    if (outcome.unsupported) return io.err(`kvm-oracle replay: ${file}: not checked: ${spec} cannot run it here: ${outcome.unsupported}`), 2;
    const unchecked = notCheckedReport(factory, spec, disabled).map((l) => `  ${l}`);
    if (!outcome.failure) {
      io.out(`kvm-oracle replay: ${file}: passes on ${spec} (${cx.ops.length} operations; recorded as ${cx.invariant}${spec === cx.implementation ? '' : ` on ${cx.implementation}`})`);
      for (const l of unchecked) io.out(l);
      return 0;
    }
    const now = { ...cx, implementation: spec, invariant: outcome.failure.id, message: outcome.failure.message, step: outcome.failure.step };
    for (const l of reportFailure(now, outcome, cx)) io.out(l);
    for (const l of unchecked) io.out(l);
    return 1;
  } finally {
    factory.dispose?.();
  }
};

/** --emit-c OUT: a standalone C reproducer of the case on /dev/kvm (adapters/kvm/emit-c.mjs) */
const emitReproducer = async (cx: Counterexample, file: string, out: string, io: Io): Promise<number> => {
  const emitter = join(packageRoot(), 'adapters', 'kvm', 'emit-c.mjs');
  let emitC: (tc: Counterexample, source: string) => string;
  try {
    ({ emitC } = (await import(pathToFileURL(emitter).href)) as { emitC: typeof emitC });
  } catch (e) {
    return io.err(`kvm-oracle replay: --emit-c: cannot load ${emitter}: ${errorText(e)}`), 2;
  }
  let text: string;
  try {
    text = emitC(cx, file);
  } catch (e) {
    // a case the reproducer cannot run on this host (a PPC VM, an operation with no ioctl)
    return io.err(`kvm-oracle replay: --emit-c: ${errorText(e)}`), 2;
  }
  try {
    writeAtomic(out, text);
  } catch (e) {
    return io.err(`kvm-oracle replay: cannot write ${out}: ${errorText(e)}`), 2;
  }
  io.out(`kvm-oracle replay: ${file}: C reproducer written to ${out}`);
  io.out(`  build and run: cc -O2 -Wall -pthread -o repro ${out} && ./repro (TAP; exit 0 agrees, 1 differs, 4 skipped)`);
  return 0;
};
