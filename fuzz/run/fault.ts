/**
 * How an implementation can fail the harness, besides breaking a rule: it throws or dies
 * (IMPL_CRASH), does not answer in time or loops (IMPL_HANG), or answers what the
 * protocol does not allow (IMPL_PROTOCOL); a real kernel logs a splat (KERNEL_SPLAT). Adapters throw ImplFault; any other exception
 * from an implementation is an IMPL_CRASH.
 */
export type FaultId = 'IMPL_CRASH' | 'IMPL_HANG' | 'IMPL_PROTOCOL' | 'KERNEL_SPLAT';

export class ImplFault extends Error {
  constructor(
    readonly id: FaultId,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The implementation says it cannot run this case here (an operation or paging mode its
 * host refuses): not a bug, so the case is counted as not checked, never as passed.
 */
export class NotRunnable extends Error {}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The verdict for an exception an implementation call threw. */
export const faultOf = (e: unknown): { id: FaultId; message: string } =>
  e instanceof ImplFault ? { id: e.id, message: e.message } : { id: 'IMPL_CRASH', message: errorText(e) };

/** Calls into the implementation, turning what it throws into a fault with context. */
export const guarded = <T>(what: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof ImplFault || e instanceof NotRunnable) throw e;
    throw new ImplFault('IMPL_CRASH', `${what} threw: ${errorText(e)}`);
  }
};
