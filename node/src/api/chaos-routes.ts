// The chaos API (docs/chaos.md): faults injected through the node's own HTTP API. Only a node started
// with --chaos serves it; any other answers every route 404 chaos_disabled, saying how to enable it.
// Every route needs the admin role when tokens are enforced (roles.ts). A pause and a kill happen once
// their answer is written, so the caller learns the fault was taken before the node stops answering.

import { Elysia } from 'elysia';
import { parseDelayBody, parseHealBody, parseKillBody, parsePartitionBody, parsePauseBody, parseSkewBody, resolvePeers, type ChaosCause, type ChaosFaults, type ChaosPeer } from '../chaos';
import { SwarmError } from '../errors';
import type { Logger } from '../log';
import { chaosDocs } from './chaos-docs';
import type { MemberView } from './cluster-view';
import type { HttpMetrics } from './http-metrics';
import { instrumented } from './instrumented';
import { nodeExchangeOf } from './node-exchange';
import { readJsonBody } from './request-body';
import { json } from './responses';

export interface ChaosRoutesDeps {
  /** The fault state of a node started with --chaos; undefined on any other. */
  readonly chaos: ChaosFaults | undefined;
  readonly cluster: { members(): MemberView[] };
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
}

/** A chaos request's body is a few fields and at most CHAOS_PARTITION_PEERS_MAX peers. */
const CHAOS_BODY_BYTES_MAX = 16 * 1024;

function enabled(chaos: ChaosFaults | undefined): ChaosFaults {
  if (chaos === undefined) {
    throw new SwarmError('chaos_disabled', 'this node was started without --chaos, so it serves no chaos API: restart it with --chaos (or SWARMKV_CHAOS=1) to inject faults');
  }
  return chaos;
}

/** Whether the request carries a body at all: DELETE /chaos/partition and POST /chaos/kill may come without one. */
function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  // A declared empty body is no body, whatever its Content-Type says.
  return length === null ? request.headers.has('transfer-encoding') : length !== '0';
}

async function bodyOf(request: Request, optional: boolean): Promise<Record<string, unknown>> {
  if (optional && !hasBody(request)) return {};
  return (await readJsonBody(request, CHAOS_BODY_BYTES_MAX)) as Record<string, unknown>;
}

/** Runs `action` once the answer to `request` is written (or its connection closed), not before. */
function afterAnswer(request: Request, action: () => void): void {
  const response = nodeExchangeOf(request)?.res;
  if (response === undefined) setTimeout(action, 0);
  // setImmediate: out of the response's own close handling, so it finishes first.
  else response.once('close', () => setImmediate(action));
}

/** The `run` label of a request, the only field of its body an event carries as its cause. */
function causeOf(body: { readonly run?: string }): ChaosCause {
  return body.run === undefined ? {} : { run: body.run };
}

/** Current members other than this node, and the peers partitioned or delayed already (a dead one is still named). */
function knownPeers(chaos: ChaosFaults, members: readonly MemberView[]): ChaosPeer[] {
  return [...members.filter((member) => member.nodeId !== chaos.nodeId), ...chaos.partitionedPeers(), ...chaos.delayedPeers()];
}

/** Whether a route's body may be left out (then it counts as `{}`). */
type BodyPresence = 'required' | 'optional';

/** A route that changes the fault state: refused unless chaos is on, then its body is read and checked before `act` runs. */
function faultRoute<Body>(deps: ChaosRoutesDeps, method: string, route: string, parse: (fields: Record<string, unknown>) => Body, presence: BodyPresence, act: (chaos: ChaosFaults, body: Body, request: Request) => Response | Promise<Response>) {
  return instrumented(deps.metrics, deps.logger, method, route, async ({ request }) => {
    const chaos = enabled(deps.chaos);
    return act(chaos, parse(await bodyOf(request, presence === 'optional')), request);
  });
}

export function chaosRoutes(deps: ChaosRoutesDeps) {
  const { metrics, logger } = deps;
  const resolve = (chaos: ChaosFaults, peers: readonly string[]) => resolvePeers(peers, { nodeId: chaos.nodeId, name: chaos.name }, knownPeers(chaos, deps.cluster.members()));
  return new Elysia({ name: 'chaos-routes' })
    .get('/chaos', instrumented(metrics, logger, 'GET', '/chaos', async () => json(200, enabled(deps.chaos).state())), { detail: chaosDocs.state })
    .post(
      '/chaos/partition',
      faultRoute(deps, 'POST', '/chaos/partition', parsePartitionBody, 'required', (chaos, body) => {
        chaos.partition(resolve(chaos, body.peers), body.durationMs, causeOf(body));
        return json(200, chaos.state());
      }),
      { parse: 'none', detail: chaosDocs.partition },
    )
    .post(
      '/chaos/delay',
      faultRoute(deps, 'POST', '/chaos/delay', parseDelayBody, 'required', (chaos, body) => {
        chaos.delay(resolve(chaos, body.peers), { delayMs: body.delayMs, jitterMs: body.jitterMs }, body.durationMs, causeOf(body));
        return json(200, chaos.state());
      }),
      { parse: 'none', detail: chaosDocs.delay },
    )
    .delete(
      '/chaos/partition',
      faultRoute(deps, 'DELETE', '/chaos/partition', parseHealBody, 'optional', (chaos, body) => {
        chaos.heal(body.peers === undefined ? undefined : resolve(chaos, body.peers).map((peer) => peer.nodeId), causeOf(body));
        return json(200, chaos.state());
      }),
      { parse: 'none', detail: chaosDocs.heal },
    )
    .post(
      '/chaos/pause',
      faultRoute(deps, 'POST', '/chaos/pause', parsePauseBody, 'required', (chaos, body, request) => {
        const { pausedUntilMs, stop } = chaos.pause(body.durationMs, causeOf(body));
        afterAnswer(request, stop);
        return json(202, { pausedUntilMs });
      }),
      { parse: 'none', detail: chaosDocs.pause },
    )
    .post(
      '/chaos/skew',
      faultRoute(deps, 'POST', '/chaos/skew', parseSkewBody, 'required', (chaos, body) => {
        chaos.skew(body.offsetMs, causeOf(body));
        return json(200, chaos.state());
      }),
      { parse: 'none', detail: chaosDocs.skew },
    )
    .post(
      '/chaos/kill',
      faultRoute(deps, 'POST', '/chaos/kill', parseKillBody, 'optional', async (chaos, body, request) => {
        const { killedAtMs, die } = await chaos.kill(body.restartAfterMs, causeOf(body));
        afterAnswer(request, die);
        return json(202, { killedAtMs, ...(body.restartAfterMs === undefined ? {} : { restartAfterMs: body.restartAfterMs }) });
      }),
      { parse: 'none', detail: chaosDocs.kill },
    );
}
