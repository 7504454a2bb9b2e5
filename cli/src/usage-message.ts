// citty's own usage errors, said the way the rest of the CLI says them. citty colours the words it
// quotes whatever the output is (an escape sequence on a pipe or in a log), and an unknown command
// or a missing one does not say which commands there are.

import { stripVTControlCharacters } from 'node:util';

/** The command a usage error is about: its words as typed (`chaos`, or none for the root) and its subcommands' names. */
export interface CommandInError {
  readonly path: string;
  readonly subCommandNames: readonly string[];
}

const UNKNOWN_COMMAND = /^Unknown command (.+)$/;
const NO_COMMAND = /^No command specified\.?$/;
const MISSING_POSITIONAL = /^Missing required positional argument: (.+)$/;

/** The line a citty usage error is reported with, followed by where the command's help is. */
export function usageMessageOf(cittyMessage: string, command: CommandInError): string {
  const message = stripVTControlCharacters(cittyMessage);
  const swarmkvCommand = command.path === '' ? 'swarmkv' : `swarmkv ${command.path}`;
  const commandList = command.subCommandNames.join(', ');
  const help = `(see ${swarmkvCommand} --help)`;
  const unknown = UNKNOWN_COMMAND.exec(message);
  if (unknown !== null) return `unknown command ${JSON.stringify(unknown[1])}; the commands are ${commandList} ${help}`;
  if (NO_COMMAND.test(message)) return `a command is needed: ${commandList} ${help}`;
  const missing = MISSING_POSITIONAL.exec(message);
  if (missing !== null) return `missing argument ${missing[1]} ${help}`;
  return `${message} ${help}`;
}
