import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, importsOf, treeSources, violations } from './layers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the layers (docs/DESIGN.md): no import runs against them', () => {
  const tree = treeSources(ROOT);

  it('reads the imports of the whole tree, and none goes up a layer', () => {
    expect(tree.length).toBeGreaterThan(200);
    // the reader sees the imports that matter (one known edge of each kind)
    const runFuzz = tree.find((s) => s.path === 'fuzz/cli/run-fuzz.ts')!;
    expect(importsOf(runFuzz)).toContain('fuzz/workers/pool.ts');
    expect(violations(tree)).toEqual([]);
  });

  it('fails on a planted wrong-way import, a model-impl import, and a file in no layer', () => {
    const planted = [
      { path: 'fuzz/run/planted.ts', text: "import { main } from '../cli/main.js';" },
      { path: 'fuzz/campaign/planted.ts', text: "export { Pool } from '../workers/pool.js';\nconst m = await import('../report/markdown.js');" },
      { path: 'model/planted.ts', text: "import type { X } from '../impl/x86/cpu.js';" },
      { path: 'fuzz/nowhere/planted.ts', text: '' },
      // the right way: no complaint
      { path: 'fuzz/cli/fine.ts', text: "import { runCase } from '../run/runner.js';\nimport type { Io } from '../io.js';" },
    ];
    expect(violations(planted)).toEqual([
      'fuzz/run/planted.ts imports fuzz/cli/main.ts: run may not import cli',
      'fuzz/campaign/planted.ts imports fuzz/workers/pool.ts: campaign may not import workers',
      'fuzz/campaign/planted.ts imports fuzz/report/markdown.ts: campaign may not import report',
      'model/planted.ts imports impl/x86/cpu.ts: the model and the implementation share no code',
      'fuzz/nowhere/planted.ts: in no layer (test/layers.ts)',
    ]);
  });

  it('are the layers docs/DESIGN.md lists, in its order', () => {
    const doc = readFileSync(join(ROOT, 'docs/DESIGN.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Layers'), doc.indexOf('\n## ', doc.indexOf('## Layers') + 1));
    const listed = [...section.matchAll(/^\d+\. \*\*([^*]+)\*\*/gm)].map((m) => m[1]);
    expect(listed).toEqual(LAYERS.map((l) => l.name));
  });
});
