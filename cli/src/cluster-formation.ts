// Whether the cluster `swarmkv up` started has formed: every node ready (GET /health/ready: it has met
// its cluster and routes by its ring) and on the same ring of all its members, with no ring change in
// progress (GET /cluster/ring: one digest everywhere, no joint rings). Nodes listen within a second, but
// they join one after another, and until the last join settles a write must also meet a quorum in the
// rings being left (joint quorums, docs/elasticity.md): a node partitioned away in those seconds can
// make writes fail that the formed cluster takes. So `up` says when the cluster has formed.

import type { RingView } from '../../node/src';
import type { NodeReply } from './node-client';

/** What formation needs of NodeClient: a client for one node, and GETs. */
export interface NodeReader {
  withUrls(urls: string[]): { request(method: string, path: string): Promise<NodeReply> };
}

export interface FormationTarget {
  readonly name: string;
  readonly url: string;
}

export type Formation = { readonly formed: true; readonly digest: string } | { readonly formed: false; readonly missing: string[] };

/** Between two looks at the nodes while waiting. */
export const FORMATION_POLL_MS = 250;

/** One look at every node: formed, or what is still missing, node by node. */
export async function formationOf(client: NodeReader, nodes: readonly FormationTarget[]): Promise<Formation> {
  const views = await Promise.all(nodes.map((node) => viewOf(client.withUrls([node.url]), node, nodes.length)));
  const missing = views.flatMap((view) => view.missing);
  const digests = new Set(views.map((view) => view.digest));
  if (missing.length === 0 && digests.size > 1) missing.push(`the nodes are on ${digests.size} different rings`);
  return missing.length === 0 ? { formed: true, digest: views[0]!.digest! } : { formed: false, missing };
}

async function viewOf(client: { request(method: string, path: string): Promise<NodeReply> }, node: FormationTarget, members: number): Promise<{ missing: string[]; digest?: string }> {
  const [ready, ring] = await Promise.all([client.request('GET', '/health/ready').catch(() => undefined), client.request('GET', '/cluster/ring').catch(() => undefined)]);
  if (ready === undefined || ring === undefined) return { missing: [`${node.name} does not answer`] };
  if (ready.status !== 200) return { missing: [`${node.name} is not ready (${(ready.body as { reason?: string } | null)?.reason ?? `HTTP ${ready.status}`})`] };
  if (ring.status !== 200) return { missing: [`${node.name} did not show its ring (HTTP ${ring.status})`] };
  const view = ring.body as RingView;
  const missing: string[] = [];
  if (view.members.length < members) missing.push(`${node.name}'s ring holds ${view.members.length} member(s)`);
  if (view.jointRings.length > 0) missing.push(`${node.name} is still changing rings`);
  return { missing, digest: view.digest };
}

/**
 * Looks every FORMATION_POLL_MS until the cluster of `targets` has formed or `deadlineMs` passes; the
 * last look's answer either way, with the time waited.
 */
export async function waitForFormation(client: NodeReader, targets: readonly FormationTarget[], deadlineMs: number, stopped: () => boolean): Promise<Formation & { readonly waitedMs: number }> {
  const startedMs = performance.now();
  for (;;) {
    const formation = await formationOf(client, targets);
    const waitedMs = Math.round(performance.now() - startedMs);
    if (formation.formed || waitedMs >= deadlineMs || stopped()) return { ...formation, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, FORMATION_POLL_MS));
  }
}
