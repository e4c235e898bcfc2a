/**
 * Every monitor, by invariant id. Adding an invariant is its id in api/failures.ts, its
 * MonitorSpec in a file here and a line below; a monitor missing here, or one too many,
 * does not compile.
 */
import type { InvariantId, MonitorSpec } from '../monitor.js';
import { ROOT_VALID_AT_ENTRY } from './ROOT_VALID_AT_ENTRY.js';
import { FAILED_LOAD_NO_ENTRY } from './FAILED_LOAD_NO_ENTRY.js';
import { ROOTS_FREED_ONCE } from './ROOTS_FREED_ONCE.js';
import { RMAP_CONSISTENT } from './RMAP_CONSISTENT.js';
import { ROOTS_BY_GENERATION } from './ROOTS_BY_GENERATION.js';
import { APF_NO_RECURSION } from './APF_NO_RECURSION.js';
import { APF_ONE_PER_GFN } from './APF_ONE_PER_GFN.js';
import { APF_PRESENT_ONCE } from './APF_PRESENT_ONCE.js';
import { APF_PREFAULT_SAFE } from './APF_PREFAULT_SAFE.js';
import { APF_PREFAULT_MAPS } from './APF_PREFAULT_MAPS.js';
import { SETUP_ORDER } from './SETUP_ORDER.js';
import { SETUP_BALANCED } from './SETUP_BALANCED.js';

import { LOCK_HELD } from './LOCK_HELD.js';
import { LOCK_ORDER } from './LOCK_ORDER.js';
import { LOCK_BALANCED } from './LOCK_BALANCED.js';

import { LAZY_PIN } from './LAZY_PIN.js';
import { RMO_NEVER_PUT } from './RMO_NEVER_PUT.js';
import { NO_PIN_AFTER_UNPIN } from './NO_PIN_AFTER_UNPIN.js';
import { PIN_ONCE } from './PIN_ONCE.js';
import { SLOT_PHYS_LOCKED } from './SLOT_PHYS_LOCKED.js';
import { RMA_ONCE } from './RMA_ONCE.js';
import { RMA_LPCR } from './RMA_LPCR.js';
import { HPTE_BACKED } from './HPTE_BACKED.js';

/**
 * In this order: when one trace record breaks two rules, the more specific one is named
 * (a put of an RMO page is RMO_NEVER_PUT before it is an unmatched put for PIN_ONCE).
 */
const BY_ID = {
  ROOT_VALID_AT_ENTRY,
  FAILED_LOAD_NO_ENTRY,
  ROOTS_FREED_ONCE,
  ROOTS_BY_GENERATION,
  LOCK_HELD,
  RMAP_CONSISTENT,
  LOCK_ORDER,
  LOCK_BALANCED,
  LAZY_PIN,
  RMO_NEVER_PUT,
  NO_PIN_AFTER_UNPIN,
  PIN_ONCE,
  SLOT_PHYS_LOCKED,
  RMA_ONCE,
  RMA_LPCR,
  HPTE_BACKED,
  APF_NO_RECURSION,
  APF_ONE_PER_GFN,
  APF_PRESENT_ONCE,
  APF_PREFAULT_SAFE,
  APF_PREFAULT_MAPS,
  SETUP_ORDER,
  SETUP_BALANCED,
} as const satisfies Record<InvariantId, MonitorSpec>;

export const MONITORS: readonly MonitorSpec[] = Object.values(BY_ID);

export const monitorById = (id: string): MonitorSpec | undefined => MONITORS.find((m) => m.id === id);

export const INVARIANT_IDS: readonly InvariantId[] = MONITORS.map((m) => m.id);
