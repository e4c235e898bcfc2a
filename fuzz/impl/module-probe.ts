/**
 * A `module:` is loaded under a watchdog: first in a worker thread, which can be stopped,
 * and only once it loaded there into the command's own process. So a module whose top
 * level loops forever is one line and exit 2 after the watchdog (--case-timeout), not a
 * command that hangs; one that ends its process while it loads (process.exit, a top-level
 * await that never settles) is one line too. The module's top level runs twice: keep it
 * free of side effects beyond defining the factory.
 */
import { Worker } from 'node:worker_threads';

/** how long a module may take to load when the command has no --case-timeout */
export const MODULE_LOAD_MS = 10_000;

// CommonJS (an eval'd worker): import() loads the ES module; a load error is the main import's to tell
const LOADER = `const { parentPort, workerData } = require('node:worker_threads');
import(workerData).then(() => parentPort.postMessage('loaded'), () => parentPort.postMessage('failed'));`;

/** null when the module (a file: URL) loads, or failed to load, within `ms`; else why not, in a line */
export const probeModule = (url: string, ms: number): Promise<string | null> =>
  new Promise((done) => {
    const w = new Worker(LOADER, { eval: true, workerData: url, stdout: true, stderr: true });
    let settled = false;
    const end = (why: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void w.terminate();
      done(why);
    };
    const timer = setTimeout(() => end(`the module did not finish loading within ${ms} ms (a loop at its top level?); stopped`), ms);
    w.on('message', () => end(null));
    w.on('error', () => end(null));
    w.on('exit', (code) => end(`the process ended while the module was loading (it called process.exit(${code}), or its top-level await never settles)`));
  });
