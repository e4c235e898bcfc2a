/**
 * x86 operations drawn by jsverify, from the same operation table as fast-check's
 * (fuzz/gen/op-table.ts) through jsverify's own arbitraries (domain.ts): jsc.elements for a
 * pool (it shrinks towards the pool's first values), jsc.record for an operation (it
 * shrinks field by field), the rows weighted as in the table, the swarm's kinds only.
 */
import jsc from 'jsverify';
import type { HostConfig, Op } from '../../../api/ops.js';
import type { Gfn } from '../../../api/ids.js';
import { APF_GFNS } from '../../gen/lifecycle-ops.js';
import { CONFIG_FIELDS, x86OpTable } from '../../gen/op-table.js';
import { keeps, type Swarm } from '../../gen/swarm.js';
import { fieldsArb, tableArb } from './domain.js';
import type { Arb } from './combinators.js';

export const apfGfn = jsc.elements(APF_GFNS) as Arb<Gfn>;

export const configArb = fieldsArb(CONFIG_FIELDS) as Arb<HostConfig>;

export const opArb = (vcpus: number, swarm: Swarm): Arb<Op> => tableArb(x86OpTable(vcpus).filter((s) => keeps(swarm, s.kind)));
