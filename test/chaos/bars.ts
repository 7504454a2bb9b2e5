// The issue's pass bars, each printed as one line `PASS|FAIL|INFO name: measured vs bar`. INFO marks a
// bar that is measured and reported but not enforced (a caller's choice, e.g. while the repair path a
// bar depends on is being built), so that nobody mistakes a report for a pass.

export interface BarResult {
  readonly name: string;
  readonly pass: boolean;
  readonly measured: string;
  readonly bar: string;
  /** Reported, never failing the run. */
  readonly informational?: boolean;
}

export function formatBar(result: BarResult): string {
  const verdict = result.pass ? 'PASS' : result.informational ? 'INFO (not enforced) FAIL' : 'FAIL';
  return `${verdict} ${result.name}: ${result.measured} vs ${result.bar}`;
}

export function enforcedFailures(results: readonly BarResult[]): BarResult[] {
  return results.filter((result) => !result.pass && !result.informational);
}

export function atMost(name: string, measured: number, limit: number, unit = '', details = ''): BarResult {
  const suffix = unit === '' ? '' : ` ${unit}`;
  return { name, pass: measured <= limit, measured: `${measured}${suffix}${details === '' ? '' : ` (${details})`}`, bar: `<= ${limit}${suffix}` };
}

export function atLeast(name: string, measured: number, limit: number, unit = ''): BarResult {
  const suffix = unit === '' ? '' : ` ${unit}`;
  return { name, pass: measured >= limit, measured: `${measured}${suffix}`, bar: `>= ${limit}${suffix}` };
}
