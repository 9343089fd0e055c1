// `--mail-to`: hands the rendered message to `sendmail -t -oi` (#8), the interface every MTA
// provides; recipients come from the message's own To header. A failure to start sendmail,
// a non-zero exit or a signal becomes a MailError naming the program and its exit status.

import { spawn } from 'node:child_process';

/** Where sendmail normally lives. */
export const DEFAULT_SENDMAIL = '/usr/sbin/sendmail';

/** Delivery failed: sendmail could not be run, or it exited with a non-zero status. */
export class MailError extends Error {
  /** sendmail's exit status, when it ran and exited. */
  readonly exitCode: number | undefined;

  constructor(message: string, exitCode: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailError';
    this.exitCode = exitCode;
  }
}

// Enough of sendmail's stderr to explain a failure; the rest is dropped.
const MAX_STDERR = 4096;

/** Pipes `message` to `sendmail -t -oi`; resolves once sendmail exited with status 0. */
export function sendMail(message: string, sendmailPath: string = DEFAULT_SENDMAIL): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const fail = (err: MailError): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const child = spawn(sendmailPath, ['-t', '-oi'], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
      fail(new MailError(`cannot run ${sendmailPath}: ${why} (use --sendmail PATH)`, undefined, { cause: err }));
    });
    // sendmail may exit before reading everything (bad option): its exit status says more than EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      if (settled) return;
      const detail = stderr.trim().split('\n')[0] ?? '';
      if (code === 0) {
        settled = true;
        resolve();
      } else if (code !== null) {
        fail(new MailError(`${sendmailPath} exited with status ${code}${detail === '' ? '' : `: ${detail}`}; the report was not sent`, code));
      } else {
        fail(new MailError(`${sendmailPath} was killed by ${signal ?? 'a signal'}; the report was not sent`, undefined));
      }
    });
    child.stdin.end(message);
  });
}
