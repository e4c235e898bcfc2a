/**
 * The facts both reports (plain text for a mailing list, Markdown for an issue tracker)
 * state the same way: the host, the kernel, the rule's patch, how the case was found. No
 * absolute path: a report is pasted where the reader has none of the reporter's files.
 */
import { release } from 'node:os';
import { basename } from 'node:path';
import type { Op } from '../../api/ops.js';
import { ruleOf } from '../../oracle/rule-of.js';
import type { Counterexample } from '../campaign/counterexample.js';
import { bugOf, failureSignature } from '../campaign/signature.js';
import { replayCommand } from './shell.js';
import { describeHost } from '../impl/host-info.js';

export const threadsOf = (cx: Counterexample): number => new Set(cx.threads ?? [0]).size;

/** the host the case describes: an x86 host with its vendor module, or a POWER host for PPC HV VMs */
export const hostLine = (cx: Counterexample): string => {
  const { vendor, tdp } = cx.config;
  const ppc = cx.ops.flatMap((o: Op) => (o.kind === 'createVm' && o.ppc ? [`vm${o.vm} on ${o.ppc.cpu === 'power7' ? 'POWER7' : 'PPC970'} with ${o.ppc.ramPorder === 24 ? '16 MB' : '64 KB'} pages`] : []));
  if (ppc.length) return `POWER host, book3s_hv: ${ppc.join('; ')}; ${threadsOf(cx)} thread(s) issuing ioctls`;
  // a real kernel says what it is: the case's vendor and TDP are only what the model assumed
  if (cx.host) return `${describeHost(cx.host)} (the model's config for the case: ${vendor}, TDP ${tdp ? 'on' : 'off'}); ${threadsOf(cx)} thread(s) issuing ioctls`;
  const module = vendor === 'vmx' ? `kvm_intel ept=${tdp ? 1 : 0}` : `kvm_amd npt=${tdp ? 1 : 0}`;
  const loads = cx.ops.some((o) => o.kind === 'moduleLoad' || o.kind === 'moduleUnload');
  return `x86 host, ${module} (${vendor}, TDP ${tdp ? 'on' : 'off'}) ${loads ? 'at the start, then loaded and unloaded by the operations' : 'loaded'}; ${threadsOf(cx)} thread(s) issuing ioctls`;
};

/** which kernel ran it: only the real-KVM adapter runs one */
export const kernelLine = (cx: Counterexample): string =>
  cx.host ? `${describeHost(cx.host)} (/dev/kvm, through adapters/kvm)` : cx.implementation === 'kvm' ? `Linux ${release()} (/dev/kvm, through adapters/kvm)` : `none: the implementation under test is ${cx.implementation.startsWith('builtin') ? "this project's built-in model of KVM" : cx.implementation.replace(/:.*/, ': (an out-of-process implementation)')}`;

export const patchLine = (cx: Counterexample): string => {
  const { seed } = ruleOf(cx.invariant);
  if (!seed) return "none: a check of the implementation against the model, which is built from all five patches (docs/SEEDS.md)";
  return `patch ${seed.id} "${seed.subject}" (${seed.author}), ${seed.commit ? `upstream commit ${seed.commit}` : seed.posted}`;
};

export const foundLine = (cx: Counterexample): string =>
  `${cx.explore ? `kvm-oracle explore --depth ${cx.explore.depth} --threads ${cx.explore.threads} --preemptions ${cx.explore.preemptions}` : `kvm-oracle fuzz --seed ${cx.seed}${cx.engine ? ` --engine ${cx.engine}` : ''}`}; signature ${failureSignature(cx)}`;

export const reasonLine = (cx: Counterexample): string => {
  const b = bugOf(cx);
  return `${b.reason || b.invariant}, in ${b.op}`;
};

/** the replay command, with the file's name only (it sits beside the report) */
export const replayLine = (file: string, implementation = 'builtin'): string => replayCommand(basename(file), implementation);
