/** Every monitor, by invariant id. Adding an invariant is adding a file and a line here. */
import type { InvariantId, MonitorSpec } from '../monitor.js';
import { ROOT_VALID_AT_ENTRY } from './ROOT_VALID_AT_ENTRY.js';
import { FAILED_LOAD_NO_ENTRY } from './FAILED_LOAD_NO_ENTRY.js';
import { ROOTS_FREED_ONCE } from './ROOTS_FREED_ONCE.js';
import { LOCK_HELD } from './LOCK_HELD.js';
import { LOCK_ORDER } from './LOCK_ORDER.js';
import { LOCK_BALANCED } from './LOCK_BALANCED.js';

export const MONITORS: readonly MonitorSpec[] = [
  ROOT_VALID_AT_ENTRY,
  FAILED_LOAD_NO_ENTRY,
  ROOTS_FREED_ONCE,
  LOCK_HELD,
  LOCK_ORDER,
  LOCK_BALANCED,
];

export const monitorById = (id: string): MonitorSpec | undefined => MONITORS.find((m) => m.id === id);

export const INVARIANT_IDS: readonly InvariantId[] = MONITORS.map((m) => m.id);
