// What `swarmkv up` prints once every node listens: the nodes, and commands to try against them.

import { dirname, join } from 'node:path';
import { renderTable } from './table';
import { UP_HOST, type UpPlan } from './up-plan';

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
  const storage = first.dataDir === null ? ' --memory' : ` --data-dir ${join(dirname(first.dataDir), `node-${nextPort}`)}`;
  return [
    '',
    `swarmkv up: ${plan.nodes.length} node(s) of cluster "${plan.cluster}" listening; DHT bootstrap on ${bootstrapAddress}; they are forming one ring (a line follows when they have)`,
    table,
    `secret: ${plan.secret}${secretNote}`,
    ...(plan.adminToken === undefined ? ['access: open (--insecure; loopback only)'] : [`admin token: ${plan.adminToken}  (every request needs a token: the CLI reads $SWARMKV_TOKEN)`]),
    '',
    'Try:',
    ...(plan.adminToken === undefined ? [] : [`  export SWARMKV_TOKEN=${plan.adminToken}`]),
    `  swarmkv status${urlFlag(first.url)}`,
    `  swarmkv put greeting '"hello"'${urlFlag(first.url)}`,
    `  swarmkv get greeting --url ${last.url}`,
    `  swarmkv locate greeting${urlFlag(first.url)}`,
    `  swarmkv ring --ranges${urlFlag(first.url)}`,
    'Add a node (in another terminal):',
    `  ${plan.adminToken === undefined ? '' : 'SWARMKV_ADMIN_TOKEN=$SWARMKV_TOKEN '}swarmkv node --host ${UP_HOST} --port ${nextPort} --cluster ${plan.cluster} --secret ${plan.secret} --bootstrap ${bootstrapAddress} --profile local --chaos${storage}`,
    'Ctrl-C stops every node.',
    '',
  ].join('\n');
}
