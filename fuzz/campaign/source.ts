/**
 * The case stream of a campaign, from what every worker is sent (the case setup): the
 * engine, the seed, the shape and the reach. One function, so the supervisor (which
 * shrinks) and every worker (which scans) build the same stream.
 */
import type { CaseSetup } from './executor.js';
import { CaseStream, type CaseSource } from '../gen/stream.js';
import { campaignArb, fromWire } from '../gen/campaign-arb.js';
import { jsverifyCampaignArb } from '../engines/jsverify/campaign.js';
import { JsverifyStream } from '../engines/jsverify/stream.js';
import { GuidedSource } from '../guided/source.js';
import type { GuideCorpus } from '../guided/corpus.js';
import { DEFAULT_SHAPE } from '../gen/arbitraries.js';

/** `corpus`: the supervisor's guide corpus (a worker's guided stream gets snapshots with each scan) */
export const caseSource = (s: Pick<CaseSetup, 'engine' | 'seed' | 'shape' | 'reach' | 'guided'>, corpus?: GuideCorpus): CaseSource => {
  const reach = fromWire(s.reach);
  const base = s.engine === 'jsverify' ? new JsverifyStream(s.seed, jsverifyCampaignArb(s.shape, reach)) : new CaseStream(s.seed, campaignArb(s.shape, reach));
  return s.guided ? new GuidedSource(base, s.seed, { ...DEFAULT_SHAPE, ...s.shape }, reach, corpus ?? null) : base;
};
