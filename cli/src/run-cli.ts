// Runs one CLI invocation in-process and returns its exit code instead of exiting, so `swarmkv run`
// can execute script lines without spawning a process per line.

import { defineCommand, runCommand as runCittyCommand, showUsage, type CommandDef } from 'citty';
import { bootstrapCommand } from './commands/bootstrap';
import { delCommand } from './commands/del';
import { explainCommand } from './commands/explain';
import { getCommand } from './commands/get';
import { locateCommand } from './commands/locate';
import { lsCommand } from './commands/ls';
import { nodeCommand } from './commands/node';
import { putCommand } from './commands/put';
import { repairCommand } from './commands/repair';
import { ringCommand } from './commands/ring';
import { runCommand, ScriptFailed } from './commands/run';
import { statusCommand } from './commands/status';
import { upCommand } from './commands/up';
import { CliFailure, exitCodes } from './exit-codes';
import { printError } from './output';

export const rootCommand = defineCommand({
  meta: {
    name: 'swarmkv',
    version: '0.1.0',
    description:
      'A peer-to-peer key-value store. Exit codes: 0 ok, 1 not found, 2 usage error, 3 node unreachable, 4 refused by the node.\n\nExample: swarmkv put greeting \'"hello"\' && swarmkv get greeting',
  },
  subCommands: {
    node: nodeCommand,
    bootstrap: bootstrapCommand,
    up: upCommand,
    put: putCommand,
    get: getCommand,
    del: delCommand,
    ls: lsCommand,
    run: runCommand,
    status: statusCommand,
    ring: ringCommand,
    locate: locateCommand,
    explain: explainCommand,
    repair: repairCommand,
  },
});

const HELP_FLAGS = new Set(['--help', '-h']);

/** The subcommand named by argv, for usage messages. */
function subCommandFor(rawArgs: string[]): { name: string; command: CommandDef } | undefined {
  const name = rawArgs.find((arg) => !arg.startsWith('-'));
  const subCommands = rootCommand.subCommands as Record<string, CommandDef>;
  return name !== undefined && name in subCommands ? { name, command: subCommands[name]! } : undefined;
}

/** citty reports usage mistakes (a missing argument, an unknown command) as errors with these codes. */
function isCittyUsageError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CLIError';
}

export async function runCli(rawArgs: string[]): Promise<number> {
  const subCommand = subCommandFor(rawArgs);
  if (rawArgs.length === 0 || rawArgs.some((arg) => HELP_FLAGS.has(arg))) {
    if (subCommand) await showUsage(subCommand.command, rootCommand);
    else await showUsage(rootCommand);
    return rawArgs.length === 0 ? exitCodes.usage : exitCodes.ok;
  }
  if (rawArgs.length === 1 && rawArgs[0] === '--version') {
    process.stdout.write('0.1.0\n');
    return exitCodes.ok;
  }
  try {
    await runCittyCommand(rootCommand, { rawArgs });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof ScriptFailed) return error.exitCode;
    if (error instanceof CliFailure) {
      printError(error.message);
      return error.exitCode;
    }
    if (isCittyUsageError(error)) {
      printError(`${error.message} (see swarmkv ${subCommand ? `${subCommand.name} ` : ''}--help)`);
      return exitCodes.usage;
    }
    printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return exitCodes.refused;
  }
}
