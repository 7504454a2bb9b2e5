// What `swarmkv up` prints once every node listens: the nodes, and commands to try against them.

import { dirname, join } from 'node:path';
import { renderTable } from './table';
import { UP_HOST, type UpNodePlan, type UpPlan } from './up-plan';

export function summaryOf(plan: UpPlan, bootstrapAddress: string): string {
  const first = plan.nodes[0]!;
  const last = plan.nodes[plan.nodes.length - 1]!;
  const urlFlag = (url: string) => (url === 'http://127.0.0.1:7070' ? '' : ` --url ${url}`);
  const table = renderTable(
    ['name', 'url', 'data'],
    plan.nodes.map((node) => [node.name, node.url, node.dataDir ?? 'memory']),
  );
  const secretNote = plan.secretGenerated ? '  (generated; pass --secret or set SWARMKV_SECRET to choose one)' : '';
  const nextPort = last.port + 1;
  const nextDataDir = first.dataDir === null ? null : join(dirname(first.dataDir), `node-${nextPort}`);
  return [
    '',
    `swarmkv up: ${plan.nodes.length} node(s) of cluster "${plan.cluster}" listening; DHT bootstrap on ${bootstrapAddress}; they are forming one ring (a line follows when they have)`,
    table,
    `secret: ${plan.secret}${secretNote}`,
    ...(plan.adminToken === undefined ? ['access: open (--insecure; loopback only)'] : [`admin token: ${plan.adminToken}  (every request needs a token: the CLI reads $SWARMKV_TOKEN)`]),
    '',
    'Try:',
    ...(plan.adminToken === undefined ? [] : [`  export SWARMKV_TOKEN=${plan.adminToken}`]),
    // Every command tries these in order: one that a chaos kill or pause took down is skipped.
    ...(plan.nodes.length > 1 ? [`  export SWARMKV_URL=${plan.nodes.map((node) => node.url).join(',')}`] : []),
    `  swarmkv status${urlFlag(first.url)}`,
    `  swarmkv put greeting '"hello"'${urlFlag(first.url)}`,
    `  swarmkv get greeting --url ${last.url}`,
    `  swarmkv locate greeting${urlFlag(first.url)}`,
    `  swarmkv ring --ranges${urlFlag(first.url)}`,
    ...(plan.nodes.length > 1
      ? ['Break it, and check what clients saw (in two terminals):', `  swarmkv check --duration 60s${urlFlag(first.url)}`, `  swarmkv chaos partition ${last.name} --duration 10s${urlFlag(first.url)}`]
      : []),
    'Add a node (in another terminal):',
    `  ${nodeCommandLine(plan, { port: nextPort, dataDir: nextDataDir }, bootstrapAddress)}`,
    'Ctrl-C stops every node.',
    '',
  ].join('\n');
}

/**
 * A `swarmkv node` command line joining this cluster as `up` would start the node (in a shell where
 * $SWARMKV_TOKEN holds the admin token); with a name, the node keeps it.
 */
export function nodeCommandLine(plan: UpPlan, node: { readonly name?: string; readonly port: number; readonly dataDir: string | null }, bootstrapAddress: string): string {
  const token = plan.adminToken === undefined ? '' : 'SWARMKV_ADMIN_TOKEN=$SWARMKV_TOKEN ';
  const name = node.name === undefined ? '' : ` --name ${node.name}`;
  const storage = node.dataDir === null ? ' --memory' : ` --data-dir ${node.dataDir}`;
  return `${token}swarmkv node${name} --host ${UP_HOST} --port ${node.port} --cluster ${plan.cluster} --replicas ${plan.replicas} --secret ${plan.secret} --bootstrap ${bootstrapAddress} --profile local --chaos${storage}`;
}

/** What `up` says after one of its nodes died unasked (a `chaos kill`, a crash): how to bring it back. */
export function restartHintOf(plan: UpPlan, node: UpNodePlan, bootstrapAddress: string): string[] {
  const command = `    ${nodeCommandLine(plan, node, bootstrapAddress)}`;
  if (node.dataDir === null) {
    // A --memory node keeps no node id either: started again, it is a new member, and the old one stays dead.
    return [
      `  ${node.name} ran with --memory: started again it joins as a new member with no data, and the dead one stays listed until \`swarmkv remove <its node id>\` (in another terminal; Ctrl-C here will not stop it):`,
      command,
    ];
  }
  return [`  to restart ${node.name} on its data in ${node.dataDir} (in another terminal; Ctrl-C here will not stop it):`, command];
}
