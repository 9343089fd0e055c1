// Writes the finished output to stdout, respecting back-pressure. A closed pipe
// (`banreplay … | head`) is success: the writer resolves quietly on EPIPE.

/** Resolves to true when everything was written, false when the reader went away. */
export function writeOutput(stream: NodeJS.WritableStream, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      stream.removeListener('error', onError);
      resolve(ok);
    };
    // EPIPE and any other write error end the output the same way: quietly.
    const onError = (): void => done(false);
    stream.on('error', onError);
    if (text === '') {
      done(true);
      return;
    }
    stream.write(text, (err) => done(err == null));
  });
}
