// The CLI's exit codes, for scripts: stable, documented in docs/cli.md and in `swarmkv --help`.
export const exitCodes = {
  ok: 0,
  notFound: 1,
  usage: 2,
  unreachable: 3,
  /** The node answered but refused: a conflict, a failed precondition, too few replicas, an internal error. */
  refused: 4,
  /** A local file, or stdout, could not be read or written (an import's dump, an export's output). */
  localIo: 5,
  /** `swarmkv check` found a lost write, an undone delete, a value nobody wrote or a stale quorum read. */
  checkFailed: 6,
  /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT's number, as shells report it), after saying where it stopped. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A failure the CLI reports with a message on stderr and a specific exit code. */
export class CliFailure extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}

/** A failure already reported on the terminal (a script's failing line, `swarmkv check`'s verdict): it carries only the exit code. */
export class ReportedFailure extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`failed with exit code ${exitCode}`);
    this.name = 'ReportedFailure';
    this.exitCode = exitCode;
  }
}
