import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../fuzz/cli/main.js';
import { PENDING_OPTIONS, readWorkflow, runCommands, workflowCommands } from '../scripts/workflow-commands.mjs';

const exec = async (argv: string[]) => {
  const err: string[] = [];
  // awaited: main returns the status, or (as the command line grows) a promise of it
  const code = await main(argv, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err };
};

interface Step { readonly run?: string; readonly uses?: string; readonly with?: Record<string, string> }
const wf = parse(readWorkflow()) as { on: { schedule: { cron: string }[] }; jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, unknown[]> } }> };

describe('.github/workflows/nightly.yml', () => {
  it('is scheduled, shards a matrix over several --vcpus settings, keeps the corpus and uploads JUnit and reports', () => {
    expect(wf.on.schedule[0]!.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const m = wf.jobs.fuzz!.strategy!.matrix;
    expect(m.vcpus!.length).toBeGreaterThan(1);
    expect(m.shard!.length).toBeGreaterThan(1);
    const all = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(all.some((s) => s.uses?.startsWith('actions/cache/save') && s.with?.path === 'corpus')).toBe(true);
    expect(all.some((s) => s.uses?.startsWith('actions/cache/restore') && s.with?.path === 'corpus')).toBe(true);
    expect(all.some((s) => s.uses?.startsWith('mikepenz/action-junit-report') && s.with?.report_paths === 'merged/junit.xml')).toBe(true);
    expect(all.some((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path?.includes('counterexamples'))).toBe(true);
  });

  it('gives every shard the seed of the run and its own matrix cell', () => {
    const cmds = workflowCommands(readWorkflow(), { seed: 777 });
    const fuzz = cmds.filter((c) => c.argv[0] === 'fuzz');
    expect(fuzz).toHaveLength(12);
    for (const c of fuzz) {
      const a = c.argv as string[];
      expect(a[a.indexOf('--seed') + 1]).toBe('777');
      expect(a[a.indexOf('--vcpus') + 1]).toBe(String(c.cell.vcpus));
      expect(a[a.indexOf('--shard') + 1]).toBe(`${c.cell.shard}/4`);
      expect(c.artifact).toBe(`fuzz-vcpus${c.cell.vcpus}-shard${c.cell.shard}`);
    }
    expect(cmds.filter((c) => c.argv[0] === 'merge')).toHaveLength(1);
    expect(() => workflowCommands(readWorkflow().replace('matrix.vcpus }}', 'matrix.vcpu }}'), { seed: 1 })).toThrow(/unknown expression/);
  });

  it('each command line is accepted by the CLI, dropping only options of the campaign engine it lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-nightly-'));
    const ran = await runCommands(workflowCommands(readWorkflow(), { seed: 5 }), { dir, runs: 3, exec });
    for (const r of ran.filter((x) => x.argv[0] === 'fuzz')) {
      expect(r.code, `${r.argv.join(' ')}: ${r.err?.join(' ')}`).toBe(0);
      for (const d of r.dropped) expect(PENDING_OPTIONS).toContain(d);
      expect(existsSync(join(dir, 'shards', r.artifact!, 'out', 'summary.json'))).toBe(true);
      expect(existsSync(join(dir, 'shards', r.artifact!, 'out', 'junit.xml'))).toBe(true);
    }
    const merge = ran.find((x) => x.argv[0] === 'merge')!;
    // merge comes with the campaign engine; until then it is skipped, and said so
    if (merge.skipped) expect(merge.skipped).toMatch(/not in this build/);
    else expect(merge.code).toBe(0);
  });
});
