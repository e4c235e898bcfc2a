/**
 * `--junit FILE`: the summaries of a campaign or of its shards as a JUnit XML report, which
 * CI systems show as tests. Each campaign or shard is a <testsuite>; each failure signature
 * is one failing <testcase> (JUnit readers keep one <failure> per test case, Jenkins drops
 * the others, so a test case per signature is what shows every failure); a campaign with no
 * failure is one passing test case; every check that could not run is a skipped one, so
 * nothing passes silently. junit-report-builder does the XML and its escaping.
 */
import * as jrb from 'junit-report-builder';
import type { Builder } from 'junit-report-builder';
import type { Summary } from './summary.js';

// a CommonJS package whose module.exports is the builder, while its types declare an ES
// default export: under NodeNext the default of the namespace is what it exports
const builder = (jrb as unknown as { default: Builder }).default;

const suiteName = (s: Summary): string =>
  `kvm-oracle fuzz seed ${s.seed}${s.shard ? ` shard ${s.shard.index}/${s.shard.count}` : ''}`;

export const junitXml = (summaries: readonly Summary[]): string => {
  const b = builder.newBuilder();
  for (const s of summaries) {
    const name = suiteName(s);
    const suite = b
      .testSuite()
      .name(name)
      .time(s.timeMs / 1000)
      .property('seed', String(s.seed))
      .property('runs', String(s.runs))
      .property('workers', String(s.workers));
    if (s.failures.length === 0) suite.testCase().className(name).name(`${s.runs} runs, no failure`);
    for (const f of s.failures) {
      const where = f.file ? `counterexample ${f.file}, replay: npx kvm-oracle replay ${f.file}` : 'the counterexample could not be written; it is in the log';
      suite
        .testCase()
        .className(name)
        .name(f.signature)
        .failure(`${f.invariant}, first seen at run ${f.firstSeen}; ${where}`, f.invariant);
    }
    for (const n of s.notChecked) suite.testCase().className(name).name(`not checked: ${n.check}: ${n.reason}`).skipped();
  }
  return b.build();
};
