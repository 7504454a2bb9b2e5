// The `swarmkv` executable.
import { handleStdoutFailures } from './output';
import { runCli } from './run-cli';

handleStdoutFailures();
process.exitCode = await runCli(process.argv.slice(2));
