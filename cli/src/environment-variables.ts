// Every option of the long-running commands (`swarmkv node`, `bootstrap`, `up`) can come from the
// environment, as etcd's do from `ETCD_*`, so a platform can configure a node without a command line.
// One rule, here and nowhere else: the variable is `SWARMKV_` and the option's long name in
// UPPER_SNAKE (`--key-bytes-max` → `SWARMKV_KEY_BYTES_MAX`); a flag on the command line wins over the
// variable, the variable over the default; an empty variable counts as unset (a Compose file's
// `SWARMKV_BOOTSTRAP=` leaves the option at its default). A bad value is refused at start-up with a
// message that names the variable it came from, because that is where the operator must fix it.

import { parseArgs, type ArgDef, type ArgsDef, type CommandContext, type CommandDef } from 'citty';
import { CliFailure, exitCodes } from './exit-codes';

const VARIABLE_PREFIX = 'SWARMKV_';
/** Options whose values must never be echoed in an error message. */
const SECRET_OPTIONS: ReadonlySet<string> = new Set(['secret']);
const TRUE_WORDS: ReadonlySet<string> = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['0', 'false', 'no', 'off']);

type Environment = Readonly<Record<string, string | undefined>>;

/** `--key-bytes-max` (or `key-bytes-max`) → `SWARMKV_KEY_BYTES_MAX`. */
export function environmentVariableName(optionName: string): string {
  return VARIABLE_PREFIX + optionName.replace(/^-+/, '').replace(/-/g, '_').toUpperCase();
}

/** Where each option's value came from: its variable and raw text, for options the environment set. */
type EnvironmentSources = Map<string, { variable: string; text: string }>;

/** A boolean from its variable's text: 1/0, true/false, yes/no, on/off, in any case. */
function booleanFromEnvironment(option: string, variable: string, text: string): boolean {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new CliFailure(exitCodes.usage, `${variable}=${text}: --${option} takes true or false (also 1/0, yes/no, on/off)`);
}

/** The options a command line gave explicitly, parsed exactly as citty parses them (aliases, `--no-x`). */
function explicitOptions(rawArgs: string[], argsDef: ArgsDef): Set<string> {
  const withoutDefaults: ArgsDef = Object.fromEntries(Object.entries(argsDef).map(([name, def]) => [name, { ...def, default: undefined } as ArgDef]));
  const parsed = parseArgs(rawArgs, withoutDefaults);
  return new Set(Object.keys(argsDef).filter((name) => argsDef[name]!.type !== 'positional' && parsed[name] !== undefined));
}

/**
 * The parsed arguments with every option the command line left out taken from its variable when that
 * is set; `sources` records which options the environment supplied.
 */
export function argumentsWithEnvironment(
  argsDef: ArgsDef,
  rawArgs: string[],
  parsed: Record<string, unknown>,
  environment: Environment = process.env,
): { args: Record<string, unknown>; sources: EnvironmentSources } {
  const explicit = explicitOptions(rawArgs, argsDef);
  const args: Record<string, unknown> = { ...parsed };
  const sources: EnvironmentSources = new Map();
  for (const [option, def] of Object.entries(argsDef)) {
    if (def.type === 'positional' || explicit.has(option)) continue;
    const variable = environmentVariableName(option);
    const text = environment[variable];
    if (text === undefined || text === '') continue;
    args[option] = def.type === 'boolean' ? booleanFromEnvironment(option, variable, text) : text;
    sources.set(option, { variable, text });
  }
  return { args, sources };
}

/** A usage error about an option the environment set, restated to name the variable (secrets hidden). */
function attributeToEnvironment(error: unknown, sources: EnvironmentSources): unknown {
  if (!(error instanceof CliFailure) || error.exitCode !== exitCodes.usage) return error;
  const culprits = [...sources].filter(([option]) => new RegExp(`(?<![\\w-])--${option}(?![\\w-])`).test(error.message));
  if (culprits.length === 0) return error;
  const named = culprits.map(([option, { variable, text }]) => (SECRET_OPTIONS.has(option) ? `${variable} (${text.length} characters)` : `${variable}=${text}`));
  return new CliFailure(exitCodes.usage, `${named.join(', ')}: ${error.message}`);
}

/** The option descriptions with their variables, so `--help` documents the rule where it is read. */
function describedWithVariables(argsDef: ArgsDef): ArgsDef {
  return Object.fromEntries(
    Object.entries(argsDef).map(([option, def]) =>
      def.type === 'positional' ? [option, def] : [option, { ...def, description: `${def.description ?? ''} [$${environmentVariableName(option)}]`.trim() }],
    ),
  );
}

/**
 * The command with every option settable from its variable: the one place the rule is applied. Its
 * `run` sees the merged arguments, and a usage error it throws about an option that came from the
 * environment names that variable.
 */
export function configurableFromEnvironment<T extends ArgsDef>(command: CommandDef<T> & { args: T }, environment: Environment = process.env): CommandDef<T> {
  const run = command.run;
  if (run === undefined) throw new TypeError('configurableFromEnvironment: the command has no run()');
  return {
    ...command,
    args: describedWithVariables(command.args) as T,
    async run(context: CommandContext<T>) {
      const { args, sources } = argumentsWithEnvironment(command.args, context.rawArgs, context.args, environment);
      try {
        return await run({ ...context, args: args as CommandContext<T>['args'] });
      } catch (error) {
        throw attributeToEnvironment(error, sources);
      }
    },
  };
}

/**
 * The environment without the variables of these options: for a child process whose options are all
 * given as flags by its parent, so that a variable meant for the parent (`SWARMKV_DATA_DIR` of
 * `swarmkv up`, say) cannot configure the child by accident.
 */
export function withoutOptionVariables(environment: NodeJS.ProcessEnv, optionNames: readonly string[]): NodeJS.ProcessEnv {
  const variables = new Set(optionNames.map(environmentVariableName));
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !variables.has(name)));
}
