/**
 * SETUP_BALANCED (seed 002): every setup step is undone exactly once, in reverse order of
 * the stages (MMU objects before the vendor's hardware_setup), on unload and on every error
 * path; nothing is left set up after an unload, nor by a failed load.
 *
 * The load at boot is the case's precondition and is not traced, so until the first unload
 * finishes the monitor does not know what is set up and only checks loads it saw.
 *
 * A load failed when the module load returned an error, whatever `ret` the impl's
 * kvmModuleInitDone tracepoint says: what is left then is checked at the operation's end.
 */
import type { SetupStage, TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

interface Step {
  readonly stage: SetupStage;
  readonly object: string;
}

const name = (s: Step): string => `${s.stage} ${s.object}`;

class SetupBalanced implements Monitor {
  /** false while the boot-time setup (not traced) may still be live */
  private known = false;
  /** steps set up and not undone, in setup order */
  private readonly live: Step[] = [];
  /** how many steps were live when the load in progress began; null: no load began in this operation */
  private loadStart: number | null = null;

  private leftover(when: string, steps: readonly Step[]): Violation | null {
    return steps.length > 0 ? because('left set up', `${when}, still set up: ${steps.map(name).join(', ')}`) : null;
  }

  observe(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'kvmModuleInit':
        this.loadStart = this.live.length;
        return null;
      case 'kvmSetupStep': {
        if (r.ret !== 0) return null;
        const again = this.live.some((s) => s.stage === r.stage && s.object === r.object);
        this.live.push({ stage: r.stage, object: r.object });
        return again ? because('set up twice', `${name(r)} set up again while still set up (never undone)`) : null;
      }
      case 'kvmUnsetupStep': {
        const i = this.live.findIndex((s) => s.stage === r.stage && s.object === r.object);
        // before the first unload, a step not seen may be one of the boot-time load's
        if (i < 0) return this.known ? because('undone but not set up', `${name(r)} undone but not set up (undone twice?)`) : null;
        const later = this.live.slice(i + 1).find((s) => s.stage !== r.stage);
        this.live.splice(i, 1);
        return later ? because('undone out of order', `${name(r)} undone while ${name(later)}, set up after it, is still set up`) : null;
      }
      case 'kvmModuleInitDone':
        // a failed load undoes what it set up; a module loaded before it stays
        return r.ret === 0 ? null : this.leftover(`loading ${r.vendor} failed with ${r.ret}`, this.live.slice(this.loadStart ?? 0));
      case 'opEnd': {
        const start = this.loadStart;
        this.loadStart = null;
        if (r.op.kind !== 'moduleLoad' || r.result.kind === 'ok' || start === null) return null;
        return this.leftover(`loading ${r.op.vendor} returned ${r.result.kind === 'errno' ? r.result.errno : r.result.kind}`, this.live.slice(start));
      }
      case 'kvmModuleExitDone': {
        const bad = this.known ? this.leftover(`after unloading ${r.vendor}`, this.live) : null;
        this.known = true;
        this.live.length = 0;
        return bad;
      }
      default:
        return null;
    }
  }
}

export const SETUP_BALANCED: MonitorSpec = {
  id: 'SETUP_BALANCED',
  seed: '002',
  checkedAt: ['kvmSetupStep', 'kvmUnsetupStep'],
  rule: 'every setup step is undone exactly once, in reverse order, on unload and on every error path; nothing is left allocated',
  needs: ['kvmModuleInit', 'kvmModuleInitDone', 'kvmModuleExitDone', 'kvmSetupStep', 'kvmUnsetupStep'],
  scope: { ops: ['moduleLoad', 'moduleUnload'] },
  create: () => new SetupBalanced(),
};
