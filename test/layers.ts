/**
 * The layers of the tree (docs/DESIGN.md, "Layers"), lowest first, and the check that no
 * import runs against them: a file may import its own layer and the layers below it, never
 * one above. Each file belongs to the layer of the longest prefix below that names it (a
 * file named on its own overrides its folder). A file no layer names is a failure too, so
 * a new folder must be placed here before it can be imported.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

export const LAYERS: readonly { readonly name: string; readonly paths: readonly string[] }[] = [
  // the leaf: Io and BadInput, importable from anywhere
  { name: 'api', paths: ['api/', 'fuzz/io.ts'] },
  { name: 'model, impl, oracle', paths: ['model/', 'impl/', 'oracle/'] },
  // counting from run outcomes: stats.ts and spec-coverage.ts live in report/ but depend on
  // nothing above run (their formatting functions are pure); the campaign, workers and guided
  // generation count with them
  { name: 'run', paths: ['fuzz/run/', 'fuzz/impl/', 'fuzz/kernel-log/', 'fuzz/report/stats.ts', 'fuzz/report/spec-coverage.ts'] },
  { name: 'gen and engines', paths: ['fuzz/gen/', 'fuzz/engines/', 'fuzz/guided/', 'fuzz/shrink/'] },
  { name: 'campaign', paths: ['fuzz/campaign/', 'fuzz/explore/', 'fuzz/replay.ts'] },
  { name: 'workers', paths: ['fuzz/workers/'] },
  { name: 'report', paths: ['fuzz/report/'] },
  { name: 'cli', paths: ['fuzz/cli/', 'fuzz/bench/'] },
];

/** peers of one layer may import each other, but the model and the implementation share no code */
const APART: readonly [string, string][] = [['model/', 'impl/'], ['impl/', 'model/']];

export const layerOf = (file: string): number => {
  let best = { rank: -1, len: -1 };
  LAYERS.forEach((l, rank) => {
    for (const p of l.paths) if ((file === p || (p.endsWith('/') && file.startsWith(p))) && p.length > best.len) best = { rank, len: p.length };
  });
  return best.rank;
};

export interface Source {
  /** relative to the repository, with / */
  readonly path: string;
  readonly text: string;
}

/** the relative modules a source imports or re-exports (static or dynamic), as repository paths of .ts files */
export const importsOf = (s: Source): string[] =>
  [...s.text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => normalize(join(dirname(s.path), m[1]!)).replace(/\.js$/, '.ts'));

/** every import against the layers, and every file no layer names, one line each */
export const violations = (sources: readonly Source[]): string[] => {
  const out: string[] = [];
  for (const s of sources) {
    const from = layerOf(s.path);
    if (from < 0) out.push(`${s.path}: in no layer (test/layers.ts)`);
    for (const to of importsOf(s)) {
      const at = layerOf(to);
      if (at < 0) continue; // outside the layered tree (a test fixture, package.json): not ours to order
      if (at > from) out.push(`${s.path} imports ${to}: ${LAYERS[from]?.name} may not import ${LAYERS[at]!.name}`);
      for (const [a, b] of APART) if (s.path.startsWith(a) && to.startsWith(b)) out.push(`${s.path} imports ${to}: the model and the implementation share no code`);
    }
  }
  return out;
};

/** the TypeScript sources of the layered tree */
export const treeSources = (root: string): Source[] => {
  const out: Source[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(join(root, dir))) {
      const path = `${dir}/${f}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (f.endsWith('.ts') && !f.endsWith('.d.ts')) out.push({ path, text: readFileSync(join(root, path), 'utf8') });
    }
  };
  for (const top of ['api', 'model', 'impl', 'oracle', 'fuzz']) walk(top);
  return out;
};
