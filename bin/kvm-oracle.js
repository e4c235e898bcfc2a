#!/usr/bin/env node
// Entry point of `npx kvm-oracle`: runs the compiled CLI (npm ci builds it via "prepare").
import { existsSync } from 'node:fs';

const cli = new URL('../dist/fuzz/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('kvm-oracle: not built yet (dist/ is missing); run `npm ci` or `npm run build` first');
  process.exit(2);
}
const { main } = await import(cli.href);
// a reader that went away (| head) is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
try {
  process.exitCode = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    progress: process.stderr,
  });
} catch (e) {
  console.error(`kvm-oracle: internal error: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.KVM_ORACLE_DEBUG) console.error(e);
  process.exitCode = 3;
}
