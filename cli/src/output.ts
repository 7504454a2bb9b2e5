// Everything the CLI prints goes through here: results on stdout, diagnostics on stderr.
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`swarmkv: ${text}\n`);
}
