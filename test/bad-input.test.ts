import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';
import { MAX_CASE_PAGES } from '../api/bounds.js';
import { casePages } from '../api/case.js';
import { CREATE_VMS, EDGE_REGIONS, NPAGES, SLOT0_NPAGES, SLOTS, VMS } from '../fuzz/gen/pools.js';

const good = {
  format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', message: '', step: 0, seed: 1,
  implementation: 'builtin', mutant: null, config: { vendor: 'vmx', tdp: false }, ops: [{ kind: 'createVm', vm: 0 }],
};
const edit = (f: (o: Record<string, unknown>) => void): string => {
  const o = structuredClone(good) as Record<string, unknown>;
  f(o);
  return JSON.stringify(o);
};
const op = (o: object) => edit((x) => void (x.ops = [o]));

/** file text, and what the one line must name */
const TABLE: [string, string, RegExp][] = [
  ['not JSON', '{"format":', /not JSON/],
  ['empty (a 0-byte file an older version left)', '', /the file is empty \(cut short by a kill or a full disk\): delete it/],
  ['a list', '[]', /\(top level\): expected object/],
  ['no ops', edit((o) => delete o.ops), /^.*: ops: missing/],
  ['no config', edit((o) => delete o.config), /config: missing/],
  ['seed as text', edit((o) => void (o.seed = '1')), /seed: expected integer/],
  ['seed out of range', edit((o) => void (o.seed = 2 ** 40)), /seed: expected integer -2\^31\.\.2\^32-1, got 1099511627776/],
  ['npages 1e9', op({ kind: 'setMemoryRegion', vm: 0, slot: 0, gfn: 0, npages: 1e9 }), /ops\[0\]\.npages: expected integer 0\.\.2\^18, got 1000000000/],
  ['unknown kind', op({ kind: 'reboot' }), /ops\[0\]\.kind: expected one of createVm/],
  ['createVm without vm', op({ kind: 'createVm' }), /ops\[0\]\.vm: .*missing/],
  ['vendor arm', edit((o) => void (o.config = { vendor: 'arm', tdp: false })), /config\.vendor: expected one of vmx, svm, got "arm"/],
  ['reg cr9', op({ kind: 'setCr', vm: 0, vcpu: 0, reg: 'cr9', value: 0 }), /ops\[0\]\.reg: expected one of cr0, cr3, cr4, efer, got "cr9"/],
  ['__proto__ as a field', op(JSON.parse('{"kind":"createVm","vm":0,"__proto__":{"vm":1}}')), /ops\[0\]: unknown field "__proto__"/],
  ['__proto__ as mutant', edit((o) => void (o.mutant = '__proto__')), /mutant: expected a name/],
  ['__proto__ as implementation', edit((o) => void (o.implementation = '__proto__')), /found on "__proto__", which replay runs only when --impl names it/],
  ['constructor as implementation', edit((o) => void (o.implementation = 'constructor')), /found on "constructor", which replay runs only when --impl names it/],
  ['constructor as mutant', edit((o) => void (o.mutant = 'constructor')), /unknown mutant "constructor"/],
  ['unknown invariant', edit((o) => void (o.invariant = 'X')), /invariant: expected one of ROOT_VALID_AT_ENTRY/],
  ['preemptions without threads', edit((o) => void (o.preemptions = [{ op: 0, after: 1, to: 1 }])), /preemptions: preemptions need "threads"/],
  ['threads too short', edit((o) => void (o.threads = [])), /threads: expected a thread for each of the 1 operations/],
  ['thread out of range', edit((o) => void (o.threads = [99])), /threads\[0\]: expected integer 0\.\.63/],
  ['too many ops', edit((o) => void (o.ops = Array.from({ length: 10_001 }, () => ({ kind: 'moduleUnload' })))), /ops: expected at most 10000 entries/],
  ['unknown field', edit((o) => void (o.extra = 1)), /unknown field "extra"/],
  ['300 VMs of 2^18 pages each (every field within bounds, the case not)', edit((o) => void (o.ops = Array.from({ length: 300 }, (_, vm) => ({ kind: 'setMemoryRegion', vm, slot: 0, gfn: 0, npages: 2 ** 18 })))), /ops: the case's memory slots hold up to 78643200 pages in all .*more than the 8388608 \(2\^23\)/],
  ['a file naming an implementation (never run unless --impl names it)', edit((o) => void (o.implementation = 'exec:nonexistent-command-xyz')), /found on "exec:nonexistent-command-xyz", which replay runs only when --impl names it/],
];

describe('malformed counterexample files: exit 2 and one line naming what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-bad-'));
  for (const [name, text, why] of TABLE) {
    it(name, async () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, text);
      const r = await cli('replay', file);
      expect(r.code, r.out).toBe(2);
      expect(r.errs, r.err).toHaveLength(1);
      expect(r.err).toMatch(why);
      expect(r.out).not.toMatch(/IMPL_/);
    });
  }

  it('special files: a directory, /dev/zero, a FIFO, too large a file', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(17 << 20, 32));
    mkdirSync(join(dir, 'sub'));
    for (const [file, why] of [[join(dir, 'sub'), /not a regular file|EISDIR/], ['/dev/zero', /not a regular file/], [fifo, /not a regular file/], [big, /more than the 16777216/]] as const) {
      const r = await cli('replay', file);
      expect(r.code, file).toBe(2);
      expect(r.errs).toHaveLength(1);
      expect(r.err).toMatch(why);
    }
  });
});

describe('the total bound of a case', () => {
  it('is above every x86 case the generators can make: every VM id times every slot id at the largest slot', () => {
    const largest = Math.max(...NPAGES, ...SLOT0_NPAGES, ...EDGE_REGIONS.map(([, n]) => n));
    expect(new Set([...VMS, ...CREATE_VMS].map(([v]) => v)).size * SLOTS.length * largest).toBeLessThanOrEqual(MAX_CASE_PAGES);
  });
  it('counts each (VM, slot) at its largest, not every resize', () => {
    const grow = Array.from({ length: 64 }, () => ({ kind: 'setMemoryRegion', vm: 0, slot: 0, npages: 2 ** 18 }));
    expect(casePages(grow)).toBe(2 ** 18);
    expect(casePages([...grow, { kind: 'setMemoryRegion', vm: 1, slot: 0, npages: 8 }, { kind: 'createVm', vm: 2 }])).toBe(2 ** 18 + 8);
  });
});

describe('an --out that cannot be written', () => {
  it('under /proc: no hang, one line, and the counterexample printed whole', async () => {
    const r = await cli('fuzz', '--mutant', 'svm-no-reload', '--out', '/proc/kvm-oracle-no-such-dir');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write \/proc\/kvm-oracle-no-such-dir\/.*; the counterexample follows/);
    expect(r.out).toContain('"invariant":"ROOT_VALID_AT_ENTRY"');
  }, 60_000);
});

describe('every file read is regular and bounded, every bad option one line and exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-bad2-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const summary = (runs: number, vcpus: number, index: number, count: number) => {
    const file = join(dir, `s-${runs}-${vcpus}-${index}-${count}.json`);
    const stream = { seed: 1, runs, maxOps: 30, vcpus, engine: 'fast-check', implementation: 'builtin', mutant: null, reach: '0' };
    const n = Math.ceil((runs - (index - 1)) / count);
    writeFileSync(file, JSON.stringify({
      format: 'kvm-oracle-summary/1', seed: 1, runs: n, workers: 1, shard: { index, count }, timeMs: 1, implementation: 'builtin', mutant: null,
      replayed: 0, interrupted: null, failures: [], notChecked: [], cases: { stream, start: index - 1, stride: count, count: n },
    }));
    return file;
  };
  const ROWS: [string, () => string[], RegExp][] = [
    ['--baseline a FIFO', () => ['fuzz', '--runs', '1', '--baseline', fifo], /--baseline: .*fifo is not a regular file/],
    ['--baseline /dev/zero', () => ['fuzz', '--runs', '1', '--baseline', '/dev/zero'], /--baseline: \/dev\/zero is not a regular file/],
    ['merge of a FIFO', () => ['merge', fifo], /merge: .*fifo is not a regular file/],
    ['merge of /dev/zero', () => ['merge', '/dev/zero'], /merge: .*\/dev\/zero: \/dev\/zero is not a regular file/],
    ['merge of one summary twice', () => { const a = summary(100, 2, 1, 2); return ['merge', a, a, summary(100, 2, 2, 2)]; }, /ran twice/],
    ['merge of shards of different --runs', () => ['merge', summary(100, 2, 1, 2), summary(200, 2, 2, 2)], /another campaign's cases .*\(runs 100 vs 200\)/],
    ['merge of shards of different --vcpus', () => ['merge', summary(100, 2, 1, 2), summary(100, 3, 2, 2)], /\(vcpus 2 vs 3\)/],
    ['fuzz --time 0', () => ['fuzz', '--time', '0'], /--time must be at least 1ms/],
    ['explore --time 0', () => ['explore', '--time', '0'], /--time must be at least 1ms/],
    ['merge with a notChecked of [null]', () => { const f = join(dir, 'nc.json'); writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(summary(10, 1, 1, 1), 'utf8')), notChecked: [null] })); return ['merge', f]; }, /merge: .*nc\.json: a "notChecked" entry without "check" and "reason"/],
    ['merge --json that cannot be written', () => ['merge', summary(10, 1, 1, 1), '--json', '/proc/self/kvm-oracle.json'], /merge: cannot write summary \/proc\/self\/kvm-oracle\.json: ENOENT/],
    ['merge --junit that cannot be written', () => ['merge', summary(10, 1, 1, 1), '--junit', '/sys/kernel/kvm-oracle.xml'], /merge: cannot write JUnit report \/sys\/kernel\/kvm-oracle\.xml: /],
    ['replay /proc/self/mem', () => ['replay', '/proc/self/mem'], /replay: \/proc\/self\/mem: cannot read \/proc\/self\/mem: EIO/],
    ['--emit-test under /proc', () => ['replay', new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname, '--emit-test', '/proc/kvm-oracle-no/such'], /cannot write \/proc\/kvm-oracle-no\/such\//],
  ];
  for (const [name, argv, why] of ROWS) {
    it(name, async () => {
      const r = await cli(...argv());
      expect(r.code, r.out).toBe(2);
      expect(r.errs, r.err).toHaveLength(1);
      expect(r.err).toMatch(why);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }
});

describe('a module: that ends the process while it loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-bad3-'));
  const bin = new URL('../bin/kvm-oracle.js', import.meta.url).pathname;
  const MODULES: [string, string, RegExp][] = [
    ['calls process.exit(0)', 'process.exit(0);\n', /the process ended while the module was loading/],
    ['never settles its top-level await', 'await new Promise(() => {});\nexport default {};\n', /the process ended while the module was loading/],
    ['loops forever at its top level', 'for (;;);\n', /the module did not finish loading within 2000 ms/],
  ];
  for (const [name, text, why] of MODULES) {
    it(`${name}: exit 2 and one line`, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.mjs`);
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, [bin, 'fuzz', '--impl', `module:${file}`, '--runs', '1', '--case-timeout', '2s'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(why);
    }, 60_000);
  }
});

describe('a signal while the reports are written: the files are whole or absent, the exit documented', () => {
  const main = new URL('../dist/fuzz/cli/main.js', import.meta.url).href;
  /** fuzz in a child that sends itself SIGTERM when it prints a line starting with each of `at` */
  const fuzzSignalled = (out: string, at: string[]) => {
    const script = `const { main } = await import(${JSON.stringify(main)});
const at = ${JSON.stringify(at)};
process.exitCode = await main(['fuzz', '--mutant', 'svm-no-reload', '--workers', '0', '--runs', '200', '--out', ${JSON.stringify(out)}, '--json', ${JSON.stringify(join(out, 'summary.json'))}], {
  out: (l) => { process.stdout.write(l + '\\n'); if (at.some((a) => l.startsWith(a))) process.kill(process.pid, 'SIGTERM'); },
  err: (l) => process.stderr.write(l + '\\n'),
});`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  };
  const whole = (dir: string): string[] => readdirSync(dir).map((f) => (f.endsWith('.json') && JSON.parse(readFileSync(join(dir, f), 'utf8')), f));

  it('one SIGTERM after the search: every file written, the interruption said, exit 1 (a new failure)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-sig-'));
    const r = fuzzSignalled(dir, ['  written: ']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/interrupted by SIGTERM after the search, while the reports were written/);
    const files = whole(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toContain('summary.json');
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(1);
  }, 120_000);

  it('a second SIGTERM exits 143 at once, between two files: no .tmp, every file whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-sig-'));
    const r = fuzzSignalled(dir, ['  written: ', '  report: ']);
    expect(r.status, r.stderr).toBe(143);
    const files = whole(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
  }, 120_000);
});

describe('--workers 0: a signal is handled between cases (only workers can stop a case that never returns)', () => {
  it('SIGTERM during a campaign in this process: the summary written, exit 143', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-w0-'));
    const bin = new URL('../bin/kvm-oracle.js', import.meta.url).pathname;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'fuzz', '--seed', 'random', '--workers', '0', '--runs', '10000000', '--out', dir, '--json', join(dir, 's.json')]);
    let out = '';
    // its first line (the seed drawn) comes as the campaign starts: then it runs cases
    child.stdout.on('data', (d) => (out += d) === String(d) && setTimeout(() => child.kill('SIGTERM'), 1500));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code, out).toBe(143);
    expect(out).toMatch(/interrupted by SIGTERM after \d+ runs/);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))).toMatchObject({ interrupted: 'SIGTERM' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
