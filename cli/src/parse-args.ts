import { CliFailure, exitCodes } from './exit-codes';

/** A whole number from a flag, or a usage error naming the flag. */
export function integerArg(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new CliFailure(exitCodes.usage, `${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A whole number from a flag within [min, max], or a usage error naming the flag and the bounds. */
export function boundedIntegerArg(flag: string, text: string, min: number, max: number): number {
  const value = integerArg(flag, text);
  if (value < min || value > max) throw new CliFailure(exitCodes.usage, `${flag} must lie between ${min} and ${max}, got ${text}`);
  return value;
}
