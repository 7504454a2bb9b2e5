// A progress bar on stderr, small enough not to need a dependency: on a terminal it redraws one line
// in place; otherwise (a pipe, a log file, CI) it prints one line per tenth of the way.

/** Characters of the bar itself. */
const BAR_WIDTH = 30;
/** A non-terminal gets a line each time progress crosses another tenth. */
const STEPS_PER_RUN = 10;

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  #lastStep = -1;
  #drawn = false;

  constructor(label: string, stream: ProgressStream = process.stderr) {
    this.#label = label;
    this.#stream = stream;
  }

  update(done: number, total: number, detail = ''): void {
    const fraction = fractionOf(done, total);
    const line = progressLine(this.#label, done, total, detail);
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
export function progressLine(label: string, done: number, total: number, detail = ''): string {
  const fraction = fractionOf(done, total);
  return `${label} [${bar(fraction)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)} % ${done}/${total}${detail ? `  ${detail}` : ''}`;
}

function bar(fraction: number): string {
  const filled = Math.round(fraction * BAR_WIDTH);
  return '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
}
