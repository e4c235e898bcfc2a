/**
 * The kvm-oracle commands of .github/workflows/nightly.yml, and a way to run them on one
 * machine: each job's matrix is expanded, its ${{ }} expressions filled in, every path the
 * commands write is moved under one folder laid out as the merge job sees the artifacts,
 * and the campaigns are cut to a few runs. Used by scripts/nightly-local.mjs (with the
 * built CLI) and test/workflow.test.ts (in process). Options and commands of the campaign
 * engine that a build may not have yet are dropped, and said so, never silently.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parse as parseShell } from 'shell-quote';

export const WORKFLOW = new URL('../.github/workflows/nightly.yml', import.meta.url);

/** options of the campaign engine (workers, shards, corpus) that a build may lack */
export const PENDING_OPTIONS = ['shard', 'corpus', 'workers'];
/** options whose value is a path relative to where the step runs */
const PATH_OPTIONS = new Set(['out', 'json', 'junit', 'corpus']);

const cells = (matrix) =>
  Object.entries(matrix ?? {}).reduce((acc, [k, values]) => {
    if (!Array.isArray(values)) throw new Error(`matrix.${k}: only lists are supported here`);
    return acc.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  }, [{}]);

const fill = (text, ctx) =>
  text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr) => {
    if (!(expr in ctx)) throw new Error(`unknown expression \${{ ${expr} }}`);
    return String(ctx[expr]);
  });

/** every `npx kvm-oracle ...` line of every step, per matrix cell: { job, cell, artifact, argv } */
export const workflowCommands = (text, { seed }) => {
  const out = [];
  for (const [job, spec] of Object.entries(parseYaml(text).jobs)) {
    for (const cell of cells(spec.strategy?.matrix)) {
      const ctx = { 'needs.seed.outputs.seed': seed, ...Object.fromEntries(Object.entries(cell).map(([k, v]) => [`matrix.${k}`, v])) };
      const upload = (spec.steps ?? []).find((s) => String(s.uses ?? '').startsWith('actions/upload-artifact'));
      const artifact = upload ? fill(upload.with.name, ctx) : null;
      for (const step of spec.steps ?? []) {
        if (typeof step.run !== 'string') continue;
        for (const line of step.run.split('\n').filter((l) => /\bnpx kvm-oracle\b/.test(l))) {
          const tokens = parseShell(fill(line, ctx));
          const at = tokens.findIndex((t, i) => t === 'kvm-oracle' && tokens[i - 1] === 'npx');
          const argv = tokens.slice(at + 1).map((t) => (typeof t === 'string' ? t : t.op === 'glob' ? { glob: t.pattern } : null));
          if (argv.includes(null)) throw new Error(`${job}: a kvm-oracle command with shell operators: ${line}`);
          out.push({ job, cell, artifact, argv });
        }
      }
    }
  }
  return out;
};

/** a glob of '*' in path segments, relative to `dir` */
const expand = (dir, pattern) =>
  pattern.split('/').reduce((paths, seg) => paths.flatMap((p) => {
    if (!seg.includes('*')) return [p ? `${p}/${seg}` : seg];
    const re = new RegExp(`^${seg.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    try {
      return readdirSync(join(dir, p)).filter((n) => re.test(n)).sort().map((n) => (p ? `${p}/${n}` : n));
    } catch {
      return [];
    }
  }), ['']).map((p) => join(dir, p));

const withoutOption = (argv, name) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? argv : [...argv.slice(0, i), ...argv.slice(i + 2)];
};

/**
 * Runs the commands: `exec(argv)` returns (or resolves to) { code, err } (err: the lines on stderr). Fuzz
 * commands run first, `runs` cases each, writing under dir/shards/<artifact>/; the others
 * (merge) run from dir. Returns one result per command: { job, cell, argv, code, dropped, skipped }.
 */
export const runCommands = async (commands, { dir, runs, exec }) => {
  const results = [];
  const seen = new Map();
  const known = async (cmd) => {
    if (!seen.has(cmd)) seen.set(cmd, !(await exec([cmd, '--help'])).err.join('\n').includes(`unknown command "${cmd}"`));
    return seen.get(cmd);
  };
  for (const c of [...commands].sort((a, b) => (a.argv[0] === 'fuzz' ? 0 : 1) - (b.argv[0] === 'fuzz' ? 0 : 1))) {
    const root = c.argv[0] === 'fuzz' && c.artifact ? join(dir, 'shards', c.artifact) : dir;
    mkdirSync(root, { recursive: true });
    let argv = c.argv.flatMap((a, i) => {
      if (typeof a === 'object') return expand(dir, a.glob);
      const opt = c.argv[i - 1];
      return typeof opt === 'string' && opt.startsWith('--') && PATH_OPTIONS.has(opt.slice(2)) ? [join(root, a)] : [a];
    });
    if (!(await known(argv[0]))) {
      results.push({ ...c, argv, code: null, dropped: [], skipped: `kvm-oracle ${argv[0]} is not in this build` });
      continue;
    }
    if (argv[0] === 'fuzz') argv = [...withoutOption(argv, 'runs'), '--runs', String(runs)];
    const dropped = [];
    for (;;) {
      const r = await exec(argv);
      const unknown = r.code === 2 ? /unknown option --([\w-]+)/.exec(r.err.join('\n'))?.[1] : undefined;
      if (unknown && PENDING_OPTIONS.includes(unknown) && !dropped.includes(unknown)) {
        dropped.push(unknown);
        argv = withoutOption(argv, unknown);
        continue;
      }
      results.push({ ...c, argv, code: r.code, dropped, err: r.err });
      break;
    }
  }
  return results;
};

export const readWorkflow = () => readFileSync(WORKFLOW, 'utf8');
