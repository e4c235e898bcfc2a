import { it } from 'vitest';
import { builtinFactory } from '../impl/builtin.js';
import { runCase } from '../fuzz/run/runner.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { JsverifyStream } from '../fuzz/engines/jsverify/stream.js';
import { jsverifyCampaignArb } from '../fuzz/engines/jsverify/campaign.js';
it('why', () => {
  const reach = reachOf(builtinFactory.capabilities, 'b');
  const s = new JsverifyStream(1, jsverifyCampaignArb({ vcpus: 2 }, reach));
  const why: Record<string, number> = {}; let total = 0;
  for (let i = 0; i < 500; i++) {
    const tc = s.at(i).value[0];
    const out = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
    const vms = new Set<number>(), gone = new Set<number>(), vc = new Set<string>();
    for (const { record: r } of out.trace) {
      if (r.ev !== 'opEnd') continue;
      total++;
      const o = r.op as any;
      if (o.kind === 'createVm' && r.result.kind === 'ok') { vms.add(o.vm); gone.delete(o.vm); }
      if (o.kind === 'destroyVm' && r.result.kind === 'ok') gone.add(o.vm);
      if (o.kind === 'createVcpu' && r.result.kind === 'ok') vc.add(`${o.vm}/${o.vcpu}`);
      if (r.result.kind === 'errno' && (r.result.errno === -9 || (o.kind === 'getDirtyLog' && r.result.errno === -2))) {
        const ppc = tc.ops.some((x: any) => x.kind === 'createVm' && x.ppc);
        let k = o.kind === 'getDirtyLog' && r.result.errno === -2 ? 'slot' : gone.has(o.vm) ? `vm${o.vm} destroyed` : !vms.has(o.vm) ? `vm${o.vm} never` : 'vcpu' in o && !vc.has(`${o.vm}/${o.vcpu}`) ? `vcpu ${o.vcpu}` : 'other ' + o.kind;
        k = (ppc ? 'ppc ' : 'x86 ') + k;
        why[k] = (why[k] ?? 0) + 1;
      }
    }
  }
  console.log(total, Object.entries(why).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k}: ${(100 * n / total).toFixed(2)}%`).join('\n'));
}, 100000);
