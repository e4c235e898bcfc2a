/**
 * A worker dies with its supervisor. `disconnect` ends a worker that is waiting, but one
 * spinning in a case that never yields would keep running, orphaned, after a supervisor
 * killed with SIGKILL. So a thread of its own (it runs whatever the main thread does)
 * checks the parent pid twice a second and kills the process once it has changed (the
 * orphan was re-parented).
 */
import { Worker } from 'node:worker_threads';

const WATCH = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL');
}, workerData.ms);
`;

export const dieWithParent = (ms = 500): void => {
  const w = new Worker(WATCH, { eval: true, workerData: { parent: process.ppid, self: process.pid, ms } });
  w.unref();
};
