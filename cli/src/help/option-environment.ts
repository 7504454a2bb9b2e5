// Which environment variable an option of `node`, `up` or `bootstrap` is read from, for help and the
// docs/configuration.md: `SWARMKV_` + the long name in UPPER_SNAKE (`--key-bytes-max` → SWARMKV_KEY_BYTES_MAX).
// The rule itself lives with the code that reads the variables (environment-variables.ts).

import { environmentVariableName } from '../environment-variables';

/** The variable `optionName` is read from. */
export function ruleVariableFor(optionName: string): string | undefined {
  return environmentVariableName(optionName);
}

/**
 * An option's description without a `[$VARIABLE]` appended to it for citty's own usage text (the
 * serverless branch does so): help shows the variable itself, as `[env: VARIABLE]`, beside the default.
 */
export function withoutVariableSuffix(description: string): string {
  return description.replace(/\s*\[\$[A-Z0-9_]+\]$/, '');
}
