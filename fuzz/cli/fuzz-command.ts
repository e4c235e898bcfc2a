/** `kvm-oracle fuzz`: a campaign on one implementation; the first failure shrunk, printed and written. */
import { join } from 'node:path';
import { MAX_NODES, NODES_PER_OP } from '../../oracle/linearize.js';
import { UsageError, durationOption, intOption, parseArgs } from '../args.js';
import { runCampaign } from '../campaign.js';
import { MAX_CASE_OPS } from '../arbitraries.js';
import { counterexampleName, writeAtomic } from '../counterexample.js';
import { FUZZ_HELP } from '../help.js';
import { reachOf, ReachError } from '../reach.js';
import { reportFailure } from '../report.js';
import { errorText, runCase } from '../runner.js';
import { CampaignWatch } from '../report/watch.js';
import { campaignOutputs, writeMarkdown, type OutputFiles } from '../report/outputs.js';
import { IMPL_OPTIONS, checkMutant, disabledOption, implOption, listOption, notCheckedReport, shellQuote, type Io } from './common.js';

export const DEFAULT_OUT = 'counterexamples';

export const fuzzCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, {
    seed: { value: true }, runs: { value: true }, time: { value: true }, mutant: { value: true },
    out: { value: true }, 'max-ops': { value: true }, vcpus: { value: true }, disable: { value: true },
    ops: { value: true }, 'skip-ops': { value: true }, rules: { value: true }, ...IMPL_OPTIONS, help: { value: false },
    junit: { value: true }, json: { value: true }, stats: { value: false },
  });
  if (p.options.has('help')) return io.out(FUZZ_HELP), 0;
  if (p.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  if (p.options.has('runs') && p.options.has('time')) throw new UsageError('give --runs or --time, not both');
  const seed = intOption(p, 'seed', 1);
  const runs = intOption(p, 'runs', 2000, 1);
  const timeMs = durationOption(p, 'time');
  const maxOps = intOption(p, 'max-ops', 30, 1);
  const vcpus = intOption(p, 'vcpus', 2, 1);
  if (vcpus > 8) throw new UsageError('--vcpus must be at most 8 (KVM_MAX_VCPUS here)');
  if (maxOps > MAX_CASE_OPS) throw new UsageError(`--max-ops must be at most ${MAX_CASE_OPS}`);
  const out = (p.options.get('out') as string | undefined) ?? DEFAULT_OUT;
  const disabled = disabledOption(p);
  const only = listOption(p, 'ops');
  const skip = listOption(p, 'skip-ops') ?? [];
  const rules = p.options.get('rules');
  if (rules !== undefined && rules !== 'seeds' && rules !== 'upstream') throw new UsageError(`--rules must be seeds or upstream, got ${JSON.stringify(rules)}`);
  const { spec, factory } = await implOption(p);
  try {
    const mutant = checkMutant(factory, spec, p.options.get('mutant'));
    let reach;
    try {
      reach = reachOf(factory.capabilities, spec, only, skip, rules);
    } catch (e) {
      if (e instanceof ReachError) throw new UsageError(e.message);
      throw e;
    }
    const files: OutputFiles = { junit: p.options.get('junit') as string | undefined, json: p.options.get('json') as string | undefined, stats: p.options.has('stats') };
    // the summary names the monitors that saw nothing of theirs, which needs the stats
    const watch = new CampaignWatch({ stats: files.stats || files.json !== undefined || files.junit !== undefined, ...(io.progress && { progress: { sink: io.progress, runs, timeMs } }) });
    const started = Date.now();
    const r = runCampaign({ factory, mutant, seed, runs, timeMs, maxOps, vcpus, reach, implSpec: spec, ...(disabled.size && { disabled }), onCase: watch.onCase, keepTrace: watch.keepTrace });
    watch.end();
    const end = (file: string | null, code: number): number => {
      const more = [
        ...(r.unsupported ? [{ check: 'cases', reason: `${r.unsupported} cases ${spec} cannot run here (the first: ${r.unsupportedWhy})` }] : []),
        ...notCheckedReport(factory, spec, disabled).map((reason) => ({ check: 'implementation', reason })),
      ];
      const o = campaignOutputs({ seed, runs: r.runs, timeMs: Date.now() - started, unchecked: r.unchecked, disabled, watch, counterexample: r.counterexample, file, more }, files);
      for (const l of o.out) io.out(l);
      for (const l of o.errors) io.err(l);
      return code === 0 && o.errors.length ? 2 : code;
    };
    const what = `seed ${seed}, ${vcpus} vCPU thread(s), implementation ${spec}, mutant ${mutant ?? 'none'}${reach.rules === 'seeds' ? '' : `, ${reach.rules} rules`}`;
    const unchecked = notCheckedReport(factory, spec, disabled).map((l) => `  ${l}`);
    const declared = factory.capabilities.rules ?? ['seeds'];
    if (!declared.includes(reach.rules)) unchecked.push(`  note: ${spec} follows the ${declared.join(', ')} rules; holding it to the ${reach.rules} rules makes each difference a failure`);
    if (!r.counterexample) {
      io.out(`kvm-oracle fuzz: ${r.runs} runs, ${what}: no failure`);
      // say so when some concurrent cases' results could not be checked against the model
      if (r.unchecked) io.out(`  ${r.unchecked} of them not checked for conformance: the linearizability search gave up (its budget: ${MAX_NODES} nodes, or ${NODES_PER_OP} per operation, for each independent part; monitors still ran)`);
      if (r.unsupported) io.out(`  ${r.unsupported} of them not checked: ${spec} cannot run them here (the first: ${r.unsupportedWhy})`);
      for (const l of unchecked) io.out(l);
      return end(null, 0);
    }
    const cx = r.counterexample;
    const outcome = runCase(cx, { factory, mutant, disabled, keepTrace: true });
    io.out(`kvm-oracle fuzz: ${what}: failure after ${r.runs} runs, shrunk in ${r.shrinks} steps`);
    for (const l of reportFailure(cx, outcome, cx)) io.out(l);
    for (const l of unchecked) io.out(l);
    const file = join(out, counterexampleName(cx));
    let md: string;
    try {
      writeAtomic(file, JSON.stringify(cx, null, 2) + '\n');
      md = writeMarkdown(cx, outcome, file);
    } catch (e) {
      // never lose a counterexample: print it whole when it cannot be written
      io.err(`kvm-oracle: cannot write ${file}: ${errorText(e)}; the counterexample follows`);
      io.out(JSON.stringify(cx));
      return end(null, 1);
    }
    io.out(`  written: ${file}`);
    io.out(`  report:  ${md}`);
    io.out(`  replay:  npx kvm-oracle replay ${shellQuote(file)}`);
    return end(file, 1);
  } finally {
    factory.dispose?.();
  }
};
