/**
 * `--impl exec:COMMAND`: an implementation in another process, behind the same
 * Implementation interface as the built-in one. The process declares its capabilities in
 * its handshake; it lives across cases (a `create` starts each) and is started again after
 * it crashed, hung or broke the protocol. Events come with each reply and are kept here
 * until the runner drains them, so draining costs no round trip.
 */
import type { CaseRun, Implementation, ImplementationFactory, OpThread, ThreadStep } from '../../api/implementation.js';
import type { TraceEvent } from '../../api/events.js';
import type { HostConfig, Op } from '../../api/ops.js';
import type { Capabilities } from '../../api/protocol.js';
import { ImplFault } from '../run/fault.js';
import { ExecProcess } from './exec-process.js';
import { judgeKernelLog } from '../kernel-log/judge.js';

export const DEFAULT_OP_TIMEOUT_MS = 5000;

class ExecImplementation implements Implementation {
  private events: TraceEvent[] = [];
  private created = false;
  /** threads stopped at a wait whose lock they still cannot take, as of the last step */
  private blocked = new Set<number>();
  begin?: (tid: number, op: Op) => OpThread;

  constructor(
    private readonly proc: ExecProcess,
    private readonly config: HostConfig,
    private readonly mutant: string | null,
  ) {
    if (proc.capabilities.stepping) this.begin = (tid, op) => this.beginOp(tid, op);
  }

  /** `create` is sent only when the case needs an instance (a whole case brings its own) */
  private instance(): ExecProcess {
    if (!this.created) this.proc.request({ msg: 'create', config: this.config, mutant: this.mutant });
    this.created = true;
    return this.proc;
  }

  apply(op: Op, tid: number) {
    const r = this.instance().request({ msg: 'apply', tid, op });
    this.events.push(...r.events);
    return r.result;
  }

  private beginOp(tid: number, op: Op): OpThread {
    this.instance().request({ msg: 'begin', tid, op });
    return {
      step: (): ThreadStep => {
        const r = this.proc.request({ msg: 'step', tid });
        this.events.push(...r.events);
        this.blocked = new Set(r.blocked);
        if (r.done) return { done: true, result: r.result };
        const p = r.point;
        if (p.at !== 'wait') return { done: false, point: p.lock === undefined ? { at: p.at } : { at: p.at, lock: p.lock } };
        return { done: false, point: { at: 'wait', lock: p.lock, ready: () => !this.blocked.has(tid), holders: () => [...p.holders] } };
      },
    };
  }

  runCase(ops: readonly { readonly tid: number; readonly op: Op }[], states: boolean, prelude = 0): CaseRun {
    const r = this.proc.request({ msg: 'case', config: this.config, mutant: this.mutant, ops: [...ops], states, ...(prelude > 0 && { prelude }) });
    // the kernel's own oracles: a splat in its log during the case is a failure, whatever the results
    const splat = judgeKernelLog(r.kernel);
    if (splat) throw new ImplFault('KERNEL_SPLAT', splat);
    return { steps: r.steps, ...(r.final && { final: r.final }), ...(r.error && { error: r.error }), ...(r.features && { features: r.features }) };
  }

  drainEvents(): TraceEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  abstract() {
    return this.instance().request({ msg: 'abstract' }).state;
  }
}

const sameCapabilities = (a: Capabilities, b: Capabilities): boolean => JSON.stringify(a) === JSON.stringify(b);

export class ExecFactory implements ImplementationFactory {
  private proc: ExecProcess;
  readonly name: string;
  readonly capabilities: Capabilities;

  constructor(
    readonly command: string,
    private readonly timeoutMs = DEFAULT_OP_TIMEOUT_MS,
  ) {
    this.proc = new ExecProcess(command, timeoutMs);
    this.name = this.proc.name;
    this.capabilities = this.proc.capabilities;
  }

  create(config: HostConfig, mutant: string | null): Implementation {
    if (!this.proc.usable) {
      this.proc.close();
      this.proc = new ExecProcess(this.command, this.timeoutMs);
      if (!sameCapabilities(this.proc.capabilities, this.capabilities)) {
        throw new ImplFault('IMPL_PROTOCOL', 'the restarted implementation process declared other capabilities than before');
      }
    }
    return new ExecImplementation(this.proc, config, mutant);
  }

  dispose(): void {
    this.proc.close();
  }
}
