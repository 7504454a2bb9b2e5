// Which environment variable an option of `node`, `up` or `bootstrap` is read from, for help and the
// README: `SWARMKV_` + the long name in UPPER_SNAKE (`--key-bytes-max` → SWARMKV_KEY_BYTES_MAX).
//
// HOOK(serverless): the serverless branch reads every such option from the environment and owns the
// rule, as `environmentVariableName(optionName)` in cli/src/environment-variables.ts. Until that module
// is on this branch, no variable is claimed for an option (help must not promise what is not read);
// once it is, replace `undefined` below with that import and help shows `[env: ...]` for each option.
const environmentVariableName: ((optionName: string) => string) | undefined = undefined;

/** The variable `optionName` is read from, or undefined while options are not read from the environment. */
export function ruleVariableFor(optionName: string): string | undefined {
  return environmentVariableName?.(optionName);
}

/**
 * An option's description without a `[$VARIABLE]` appended to it for citty's own usage text (the
 * serverless branch does so): help shows the variable itself, as `[env: VARIABLE]`, beside the default.
 */
export function withoutVariableSuffix(description: string): string {
  return description.replace(/\s*\[\$[A-Z0-9_]+\]$/, '');
}
