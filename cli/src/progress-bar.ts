// A progress bar on stderr, small enough not to need a dependency: on a terminal it redraws one line
// in place; otherwise (a pipe, a log file, CI) it prints one line per tenth of the way. Where the total
// is not known (an export, an import from stdin), a ProgressCount shows how far it got instead.

/** Characters of the bar itself. */
const BAR_WIDTH = 30;
/** A non-terminal gets a line each time progress crosses another tenth. */
const STEPS_PER_RUN = 10;
/** Without a total, a non-terminal gets a line at most this often. */
export const COUNT_LINE_INTERVAL_MS = 5000;

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  #lastStep = -1;
  #drawn = false;

  readonly #amount: (value: number) => string;

  /** `amount` writes done and total (bytes as megabytes, say); plain numbers by default. */
  constructor(label: string, stream: ProgressStream = process.stderr, amount: (value: number) => string = String) {
    this.#label = label;
    this.#stream = stream;
    this.#amount = amount;
  }

  update(done: number, total: number, detail = ''): void {
    const fraction = fractionOf(done, total);
    const line = progressLine(this.#label, done, total, detail, this.#amount);
    if (this.#stream.isTTY === true) {
      this.#stream.write(`\r\x1b[2K${line}`);
      this.#drawn = true;
      return;
    }
    const step = Math.floor(fraction * STEPS_PER_RUN);
    if (step <= this.#lastStep) return;
    this.#lastStep = step;
    this.#stream.write(`${line}\n`);
  }

  /** Ends the bar's line on a terminal, so what follows starts on a fresh one. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }
}

function fractionOf(done: number, total: number): number {
  return total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
}

/** One bar as a line of text, `label [####----]  40 % 4/10  detail`: for views that draw several at once. */
export function progressLine(label: string, done: number, total: number, detail = '', amount: (value: number) => string = String): string {
  const fraction = fractionOf(done, total);
  return `${label} [${bar(fraction)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)} % ${amount(done)}/${amount(total)}${detail ? `  ${detail}` : ''}`;
}

/** Progress without a total: `label  detail`, redrawn in place on a terminal, else a line now and then. */
export class ProgressCount {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #nowMs: () => number;
  #lastLineMs = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(label: string, stream: ProgressStream = process.stderr, nowMs: () => number = () => performance.now()) {
    this.#label = label;
    this.#stream = stream;
    this.#nowMs = nowMs;
  }

  update(detail: string): void {
    const line = `${this.#label}  ${detail}`;
    if (this.#stream.isTTY === true) {
      this.#stream.write(`\r\x1b[2K${line}`);
      this.#drawn = true;
      return;
    }
    const now = this.#nowMs();
    if (now - this.#lastLineMs < COUNT_LINE_INTERVAL_MS) return;
    this.#lastLineMs = now;
    this.#stream.write(`${line}\n`);
  }

  /** Ends the line on a terminal, so what follows starts on a fresh one. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }
}

function bar(fraction: number): string {
  const filled = Math.round(fraction * BAR_WIDTH);
  return '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
}
