/**
 * Which domains (domain.ts) an explore runs: those the implementation can run (its
 * platforms, hosts and operations, as fuzz's generator reach says), with the alphabet cut
 * to its operations; `--domains` picks some by name prefix. The default bound is here too.
 */
import type { Capabilities } from '../../api/protocol.js';
import { UsageError } from '../cli/options.js';
import { outOfReach, reachOf } from '../gen/reach.js';
import { DOMAINS, type Domain } from './domain.js';
import type { Bound } from './search.js';

/** the README's default: about two minutes on two cores (npm run explore-costs) */
export const DEFAULT_BOUND: Bound = { depth: 4, threads: 2, preemptions: 1 };

export const domainsFor = (caps: Capabilities, spec: string, pick?: string | true): Domain[] => {
  if (pick === true) throw new UsageError('--domains needs a value');
  const names = pick?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names ?? []) if (!DOMAINS.some((d) => d.name.startsWith(n))) throw new UsageError(`--domains: no domain is named ${JSON.stringify(n)} (known: ${DOMAINS.map((d) => d.name).join(', ')})`);
  const reach = reachOf(caps, spec);
  const out = DOMAINS.filter((d) => !names || names.some((n) => d.name.startsWith(n)))
    .filter((d) => outOfReach({ config: d.config, ops: [...d.prelude] }, reach, spec) === null)
    .map((d) => ({ ...d, alphabet: d.alphabet.filter((op) => outOfReach({ config: d.config, ops: [op] }, reach, spec) === null) }));
  if (!out.length) throw new UsageError(`${spec} can run none of the domains${names ? ' asked for' : ''} (their prelude needs operations or hosts it does not declare)`);
  return out;
};
