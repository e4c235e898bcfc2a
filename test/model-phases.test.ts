/**
 * The model's one table of operations (model/ioctls.ts): every kind has a row, a forgotten
 * one is a compile error, and the phase count of each comes from its row.
 */
import { describe, expect, it } from 'vitest';
import { OP_KINDS, type Op } from '../api/ops.js';
import { IOCTLS, type IoctlTable } from '../model/ioctls.js';
import { phases, step, stepPhase } from '../model/step.js';
import { PPC_RUN_PHASES } from '../model/ppc/run.js';
import { initialState } from '../model/state.js';

const { run: _, ...withoutRun } = IOCTLS;
// @ts-expect-error a table without the row of `run` does not compile
const forgotten: IoctlTable = withoutRun;

describe('model/ioctls.ts', () => {
  it('has one row per operation kind, and no other', () => {
    expect(Object.keys(IOCTLS).sort()).toEqual([...OP_KINDS].sort());
    expect(forgotten).not.toHaveProperty('run');
  });

  it('declares the phases of the operations other threads can interleave with, and only those', () => {
    const phased = Object.fromEntries(OP_KINDS.map((k) => [k, phases({ kind: k } as Op)]).filter(([, n]) => n !== 1));
    expect(phased).toEqual({ run: PPC_RUN_PHASES, hEnter: PPC_RUN_PHASES, emulate: 2, destroyVm: 2, allocRma: 2 });
  });

  it('a one-phase operation is the same whole or as phase 0', () => {
    const s = initialState({ vendor: 'vmx', tdp: true });
    const op: Op = { kind: 'createVm', vm: 0 as never };
    expect(stepPhase(s, op, 0)).toEqual(step(s, op));
  });
});
