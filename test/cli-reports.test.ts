import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import type { Io } from '../fuzz/cli/main.js';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { failureSignature } from '../fuzz/campaign/signature.js';
import { cliWith } from './cli-run.js';

const cli = (argv: string[], extra: Partial<Io> = {}) => cliWith(extra, argv);

const tmp = () => mkdtempSync(join(tmpdir(), 'kvm-oracle-'));
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

describe('fuzz --json, --junit and --stats', () => {
  it('a passing campaign: a summary of exactly its shape, a valid JUnit file, and the stats', async () => {
    const d = tmp();
    const r = await cli(['fuzz', '--runs', '150', '--seed', '4', '--workers', '2', '--json', join(d, 's.json'), '--junit', join(d, 'sub', 'j.xml'), '--stats', '--disable', 'LOCK_ORDER']);
    expect(r.code).toBe(0);
    const s = json(join(d, 's.json'));
    expect(Object.keys(s)).toEqual(['format', 'seed', 'runs', 'workers', 'shard', 'timeMs', 'implementation', 'mutant', 'replayed', 'interrupted', 'failures', 'cases', 'notChecked', 'coverage']);
    expect(s.coverage).toMatchObject({ rules: 'seeds', ops: expect.any(Number), outcomes: expect.objectContaining({ 'createVm/x86': expect.any(Number) }) });
    expect(s).toMatchObject({ seed: 4, runs: 150, workers: 2, shard: null, implementation: 'builtin', mutant: null, failures: [] });
    expect(s.notChecked).toContainEqual({ check: 'LOCK_ORDER', reason: 'switched off (--disable)' });
    const xml = readFileSync(join(d, 'sub', 'j.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('name="150 runs, no failure"');
    expect(r.out).toMatch(/^stats: 150 generated cases/m);
    expect(r.out).toMatch(/^ {4}LOCK_ORDER: \d+ \[lockAcquire\] {3}\(switched off\)$/m);
    // each monitor that saw nothing is named in the summary as not checked
    for (const m of r.out.matchAll(/^ {4}([A-Z_]+): 0 .*saw nothing of its own/gm)) expect(s.notChecked.map((n: { check: string }) => n.check)).toContain(m[1]);
  });

  it('the same seed prints the same stats, in this process or in worker processes', async () => {
    const a = await cli(['fuzz', '--runs', '80', '--seed', '9', '--stats', '--workers', '0']);
    const b = await cli(['fuzz', '--runs', '80', '--seed', '9', '--stats', '--workers', '0']);
    const w = await cli(['fuzz', '--runs', '80', '--seed', '9', '--stats', '--workers', '2']);
    expect(a.out).toMatch(/^stats: 80 generated cases/m);
    expect(a.out).toBe(b.out);
    const stats = (out: string) => out.slice(out.indexOf('stats:'));
    expect(stats(w.out)).toBe(stats(a.out));
    expect(w.out).toMatch(/^ {4}run: [1-9]\d* \(/m);
  });

  it('a failure: the Markdown report beside the JSON, and its signature in the summary and the JUnit file', async () => {
    const d = tmp();
    const r = await cli(['fuzz', '--mutant', 'svm-no-reload', '--seed', '3', '--out', d, '--json', join(d, 's.json'), '--junit', join(d, 'j.xml')]);
    expect(r.code).toBe(1);
    const file = join(d, readdirSync(d).find((n) => /^ROOT_VALID_AT_ENTRY-[0-9a-f]{12}-builtin-svm-no-reload-fast-check-seed3\.json$/.test(n))!);
    expect(existsSync(file.replace(/json$/, 'md'))).toBe(true);
    expect(existsSync(file.replace(/json$/, 'txt'))).toBe(true);
    expect(r.out).toContain(`  report:  ${file.replace(/json$/, 'md')}`);
    const s = json(join(d, 's.json'));
    const sig = failureSignature(readCounterexample(file));
    expect(s.failures).toEqual([{ signature: sig, invariant: 'ROOT_VALID_AT_ENTRY', file, firstSeen: expect.any(Number), known: false, source: 'generated', bug: 'ROOT_VALID_AT_ENTRY (invalid root) in run', message: expect.any(String), shrinkCut: null }]);
    expect(s.failures[0].firstSeen).toBeGreaterThan(0);
    expect(s.failures[0].firstSeen).toBeLessThanOrEqual(s.runs);
    const xml = readFileSync(join(d, 'j.xml'), 'utf8');
    expect(xml).toContain(`name="${sig}"`);
    expect(xml).toContain('<failure message="ROOT_VALID_AT_ENTRY, first seen at run');
  });

  it('a summary it cannot write is one line on stderr and exit 2', async () => {
    const d = tmp();
    writeFileSync(join(d, 'file'), 'x');
    const r = await cli(['fuzz', '--runs', '20', '--json', join(d, 'file', 's.json')]);
    expect(r.code).toBe(2);
    expect(r.errs).toHaveLength(1);
    expect(r.errs[0]).toMatch(/cannot write summary/);
  });
});

describe('the progress line through the command line', () => {
  it('goes to the progress sink only, never to stdout', async () => {
    const written: string[] = [];
    const r = await cli(['fuzz', '--time', '2500ms', '--seed', '2'], { progress: { isTTY: false, write: (s) => void written.push(s) } });
    expect(r.code).toBe(0);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written[0]).toMatch(/^kvm-oracle fuzz: \d+ cases, \d+ cases\/s, 0 failure\(s\), \d+s left\n$/);
    expect(r.out).not.toContain('cases/s');
  });
});
