import { CliFailure, exitCodes } from './exit-codes';

/** A whole number from a flag, or a usage error naming the flag. */
export function integerArg(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new CliFailure(exitCodes.usage, `${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}
