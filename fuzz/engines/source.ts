/**
 * The case stream of a campaign, from what every worker is sent (the case setup): the
 * engine, the seed, the shape and the reach. One function, so the supervisor (which
 * shrinks) and every worker (which scans) build the same stream.
 */
import type { CaseSetup } from '../campaign/executor.js';
import { CaseStream, type CaseSource } from '../campaign/stream.js';
import { campaignArb, fromWire } from '../gen/campaign-arb.js';
import { jsverifyCampaignArb } from './jsverify/campaign.js';
import { JsverifyStream } from './jsverify/stream.js';

export const caseSource = (s: Pick<CaseSetup, 'engine' | 'seed' | 'shape' | 'reach'>): CaseSource => {
  const reach = fromWire(s.reach);
  return s.engine === 'jsverify' ? new JsverifyStream(s.seed, jsverifyCampaignArb(s.shape, reach)) : new CaseStream(s.seed, campaignArb(s.shape, reach));
};
