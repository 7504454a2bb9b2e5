// `--log-format json|pretty` of node, up and bootstrap. JSON lines are for log shippers and scripts;
// pretty lines are for the person watching a terminal. Without the flag (or SWARMKV_LOG_FORMAT), a
// terminal on stdout gets pretty lines and anything else (a pipe, a file, a container log) JSON.

import { CliFailure, exitCodes } from '../exit-codes';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_FORMAT_VARIABLE = 'SWARMKV_LOG_FORMAT';

export const logFormatArgs = {
  'log-format': { type: 'string', description: '`pretty`: one coloured, human line per event; `json`: one JSON object per line, for log shippers' },
} as const;

/** What help and completion say about --log-format. */
export const logFormatHelp = {
  defaults: { 'log-format': 'pretty on a terminal, else json' },
  environment: { 'log-format': LOG_FORMAT_VARIABLE },
  choices: { 'log-format': LOG_FORMATS },
} as const;

/** The format asked for by the flag, else the environment, else by whether stdout is a terminal. */
export function resolveLogFormat(flag: string | undefined, stdout: { readonly isTTY?: boolean } = process.stdout, environment: NodeJS.ProcessEnv = process.env): LogFormat {
  const given = flag ?? (environment[LOG_FORMAT_VARIABLE] || undefined);
  if (given === undefined) return stdout.isTTY === true ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(given)) throw new CliFailure(exitCodes.usage, `--log-format must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(given)}`);
  return given as LogFormat;
}
