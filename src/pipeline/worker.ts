// Worker-thread entry of parallel scanning (see worker-pool.ts): rebuilds the scan plan
// from the recipe, checks its fingerprint against the main thread's, then runs the same
// scanFile as an inline scan, one file per request, and sends the hits back encoded.
// It refuses to scan with a plan that differs: determinism beats speed.
import { parentPort, workerData } from 'node:worker_threads';
import { newScanShared, transferList } from './hit-store.js';
import { scanPlanFingerprint } from './plan-fingerprint.js';
import { scanFile, type ScanContext } from './scan-file.js';
import { toWire, type FromWorker, type ToWorker, type WorkerInit } from './worker-pool.js';

const port = parentPort;
if (port === null) throw new Error('worker.js runs only as a worker thread');
const init = workerData as WorkerInit;
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

let abort = new AbortController();
// What every file's scan shares (string tables, slabs), and how many of the tables'
// values results have sent.
const shared = newScanShared();
const sent = { ids: 0, users: 0 };
let ctx: ScanContext | undefined;
// Requests that arrive while the plan is being built.
const queue: ToWorker[] = [];

async function build(): Promise<void> {
  const mod = (await import(init.recipe.module)) as Record<string, unknown>;
  const rebuild = mod[init.recipe.export];
  if (typeof rebuild !== 'function') throw new Error(`${init.recipe.module} has no function ${init.recipe.export}`);
  const compiled = (await (rebuild as (input: unknown) => unknown)(init.recipe.input)) as Pick<ScanContext, 'targets' | 'detectors' | 'probe'>;
  const plan = { targets: compiled.targets, detectors: compiled.detectors, probe: compiled.probe };
  const fingerprint = scanPlanFingerprint(plan);
  if (fingerprint !== init.fingerprint) {
    post({ type: 'mismatch', fingerprint });
    return;
  }
  ctx = {
    ...(init.plain as Partial<ScanContext>),
    ...plan,
    stdin: undefined,
    signal: undefined,
  } as ScanContext;
  if (init.progress) {
    (ctx as { onProgress?: unknown }).onProgress = (fileIndex: number, lines: number, chars: number): void =>
      post({ type: 'progress', fileIndex, lines, chars });
  }
  post({ type: 'ready' });
}

let busy = false;
async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'abort') {
    abort.abort();
    return;
  }
  if (ctx === undefined || busy) {
    queue.push(msg);
    return;
  }
  busy = true;
  try {
    abort = new AbortController();
    const r = await scanFile(msg.file, msg.index, { ...ctx, signal: abort.signal }, shared);
    const hits = r.hits.pack(sent);
    sent.ids = shared.ids.size;
    sent.users = shared.users.size;
    post(
      { type: 'result', index: msg.index, stats: r.stats, error: r.error === undefined ? undefined : toWire(r.error), hits },
      transferList(hits),
    );
  } catch (err) {
    // Only the line handler can throw (a bug): the main thread rescans inline and sees it.
    post({ type: 'failed', index: msg.index, message: err instanceof Error ? err.message : String(err) });
  } finally {
    busy = false;
  }
  const next = queue.shift();
  if (next !== undefined) await handle(next);
}

port.on('message', (msg: ToWorker) => void handle(msg));
build().then(
  async () => {
    const next = queue.shift();
    if (next !== undefined) await handle(next);
  },
  (err: unknown) => post({ type: 'failed', index: undefined, message: err instanceof Error ? err.message : String(err) }),
);
