// What a process needs to run a daemon in it: a node, or a DHT bootstrap. The CLI's `node`, `up` and
// `bootstrap` commands load this file with a dynamic import(), so every other command (they talk to
// nodes over HTTP only) never loads the daemon's layers or hyperswarm's native stack.

export { startNode, type RunningNode, type StartOptions } from './main';
export { ConfigError, resolveNodeConfig } from './config';
export { reachableAddress } from './host-machine';
export { createLogger } from './log';
export { DhtBootstrap, type DhtBootstrapOptions } from './transport/hyperswarm';
export { ASSERTION_FAILED_EXIT_CODE, exitOnAssertionFailure } from './main-fatal';
