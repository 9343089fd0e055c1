// Writes the finished output to stdout, respecting back-pressure: a report in pieces is
// written as it is produced, never held whole. A closed pipe (`banreplay … | head`) is
// success: the writer resolves quietly on EPIPE.
import type { TextOutput } from '../report/text-output.js';

/** Resolves to true when everything was written, false when the reader went away. */
export async function writeOutput(stream: NodeJS.WritableStream, out: TextOutput): Promise<boolean> {
  let failed = false;
  // The one wait in progress (for 'drain', or for the last write); an error ends it too.
  let wake: (() => void) | undefined;
  // EPIPE and any other write error end the output the same way: quietly.
  const onError = (): void => {
    failed = true;
    wake?.();
  };
  const onDrain = (): void => wake?.();
  stream.on('error', onError);
  stream.on('drain', onDrain);
  try {
    let pending: string | undefined;
    for (const piece of typeof out === 'string' ? [out] : out) {
      if (failed) return false;
      if (piece === '') continue;
      if (pending !== undefined && !stream.write(pending)) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (failed) return false;
      }
      pending = piece;
    }
    if (pending === undefined || failed) return !failed;
    const last = pending;
    return await new Promise<boolean>((resolve) => {
      wake = () => {
        if (failed) resolve(false);
      };
      stream.write(last, (err) => resolve(err == null && !failed));
    });
  } finally {
    stream.removeListener('error', onError);
    stream.removeListener('drain', onDrain);
  }
}
