// Runs one CLI invocation in-process and returns its exit code instead of exiting, so `swarmkv run`
// can execute script lines without spawning a process per line.

import { defineCommand, runCommand as runCittyCommand, type ArgsDef, type CommandDef } from 'citty';
import { bootstrapCommand } from './commands/bootstrap';
import { chaosCommand } from './commands/chaos';
import { checkCommand } from './commands/check';
import { COMMANDS_TAKING_ANY_WORDS } from './commands/chaos-faults';
import { completionCommand } from './commands/completion';
import { delCommand } from './commands/del';
import { explainCommand } from './commands/explain';
import { eventsCommand } from './commands/events';
import { exportCommand } from './commands/export';
import { getCommand } from './commands/get';
import { importCommand } from './commands/import';
import { leaveCommand } from './commands/leave';
import { locateCommand } from './commands/locate';
import { lsCommand } from './commands/ls';
import { nodeCommand } from './commands/node';
import { putCommand } from './commands/put';
import { rebalanceCommand } from './commands/rebalance';
import { removeCommand } from './commands/remove';
import { repairCommand } from './commands/repair';
import { ringCommand } from './commands/ring';
import { runCommand } from './commands/run';
import { statusCommand } from './commands/status';
import { tokenCommand } from './commands/token';
import { upCommand } from './commands/up';
import { CliFailure, exitCodes, ReportedFailure } from './exit-codes';
import { setRootCommand, withHelp } from './help/command-help';
import { printError } from './output';
import { quoteForTerminal, terminalColumns } from './terminal-text';
import { surplusArguments, unknownOptions } from './unknown-options';
import { usageMessageOf } from './usage-message';

export const rootCommand = withHelp(defineCommand({
  meta: {
    name: 'swarmkv',
    version: '0.1.0',
    description:
      'A peer-to-peer, sharded, replicated key-value store: nodes find each other on a DHT, keep N replicas of every key, and heal after failures.\n\nExit codes: 0 ok, 1 not found, 2 usage error, 3 node unreachable, 4 refused by the node, 5 a local file or stdout could not be read or written, 6 swarmkv check found a violation.',
  },
  subCommands: {
    node: nodeCommand,
    bootstrap: bootstrapCommand,
    up: upCommand,
    put: putCommand,
    get: getCommand,
    del: delCommand,
    ls: lsCommand,
    export: exportCommand,
    import: importCommand,
    run: runCommand,
    status: statusCommand,
    ring: ringCommand,
    locate: locateCommand,
    explain: explainCommand,
    events: eventsCommand,
    rebalance: rebalanceCommand,
    repair: repairCommand,
    leave: leaveCommand,
    remove: removeCommand,
    chaos: chaosCommand,
    check: checkCommand,
    completion: completionCommand,
    token: tokenCommand,
  },
}), {
  group: 'other',
  summary: 'swarmkv',
  examples: ['swarmkv up', `swarmkv put greeting '"hello"' && swarmkv get greeting`, 'swarmkv status'],
});
setRootCommand(rootCommand);

const HELP_FLAGS = new Set(['--help', '-h']);

/** The (sub)command named by argv, followed down its subcommands (`chaos partition`), for help and usage messages. */
function subCommandFor(rawArgs: string[]): { name: string; command: CommandDef } | undefined {
  let found: { name: string; command: CommandDef } | undefined;
  let subCommands = rootCommand.subCommands as Record<string, CommandDef> | undefined;
  for (const word of rawArgs.filter((arg) => !arg.startsWith('-'))) {
    if (subCommands === undefined || !(word in subCommands)) break;
    const command = subCommands[word]!;
    found = { name: found === undefined ? word : `${found.name} ${word}`, command };
    subCommands = command.subCommands as Record<string, CommandDef> | undefined;
  }
  return found;
}

/** citty reports usage mistakes (a missing argument, an unknown command) as errors with these codes. */
function isCittyUsageError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CLIError';
}

export async function runCli(rawArgs: string[]): Promise<number> {
  const subCommand = subCommandFor(rawArgs);
  if (rawArgs.length === 0 || rawArgs.some((arg) => HELP_FLAGS.has(arg))) {
    // Loaded only for help: every other invocation, a node's start included, skips the layout code.
    const { commandHelpText, rootHelpText } = await import('./help/render-help');
    const width = terminalColumns();
    process.stdout.write(subCommand ? await commandHelpText(subCommand.name, subCommand.command, width) : await rootHelpText(rootCommand, width));
    return rawArgs.length === 0 ? exitCodes.usage : exitCodes.ok;
  }
  if (rawArgs.length === 1 && rawArgs[0] === '--version') {
    process.stdout.write('0.1.0\n');
    return exitCodes.ok;
  }
  const definedArgs = subCommand?.command.args;
  const unknown = subCommand !== undefined && typeof definedArgs === 'object' ? unknownOptions(rawArgs, definedArgs as ArgsDef) : [];
  if (unknown.length > 0) {
    printError(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see swarmkv ${subCommand!.name} --help)`);
    return exitCodes.usage;
  }
  const surplus = subCommand !== undefined && typeof definedArgs === 'object' && !COMMANDS_TAKING_ANY_WORDS.has(subCommand.command) ? surplusArguments(rawArgs, subCommand.name.split(' ').length, definedArgs as ArgsDef) : [];
  if (surplus.length > 0) {
    printError(`unexpected argument${surplus.length > 1 ? 's' : ''} ${surplus.map(quoteForTerminal).join(', ')} (see swarmkv ${subCommand!.name} --help)`);
    return exitCodes.usage;
  }
  try {
    await runCittyCommand(rootCommand, { rawArgs });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof ReportedFailure) return error.exitCode;
    if (error instanceof CliFailure) {
      printError(error.message);
      return error.exitCode;
    }
    if (isCittyUsageError(error)) {
      const inError = subCommand?.command ?? rootCommand;
      printError(usageMessageOf(error.message, { path: subCommand?.name ?? '', subCommandNames: Object.keys(inError.subCommands ?? {}) }));
      return exitCodes.usage;
    }
    printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return exitCodes.refused;
  }
}
