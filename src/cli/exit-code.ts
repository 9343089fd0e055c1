// The exit code as a pure function of how the run ended. Findings never change it:
// a script that wants to know "anything banned?" reads the JSON.

/** 0 = completed, 1 = usage or configuration error, 2 = completed but some input unreadable. */
export type ExitCode = 0 | 1 | 2;

/** Maps a run's end state to its exit code. */
export function exitCode(end: { configError: boolean; inputProblems: number }): ExitCode {
  if (end.configError) return 1;
  return end.inputProblems > 0 ? 2 : 0;
}
