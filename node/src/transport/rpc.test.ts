import { afterEach, describe, expect, test } from 'bun:test';
import { SwarmError } from '../errors';
import { MemoryNetwork } from './memory-network';
import { MemoryTransport } from './memory-transport';
import { contractMessages, note, RecordingHandlers, sleep, waitUntil } from './recording-handlers.contract';
import { Rpc, type RpcOptions } from './rpc';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const messages = contractMessages();
let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of cleanup) await close();
  cleanup = [];
});

/** Nodes on a fake network, each with an Rpc; resolves once all see each other. */
async function meshOf(nodeIds: readonly string[], options: RpcOptions = {}) {
  const network = new MemoryNetwork({ seed: 3 });
  const make = (nodeId: string) => {
    const transport = new MemoryTransport(network, { nodeId, name: nodeId, httpAddress: 'h:1', clusterName: 'c', secret: 'rpc-secret-0123456789', messages });
    const rpc = new Rpc(transport, options);
    const handlers = new RecordingHandlers();
    cleanup.push(async () => {
      rpc.close();
      await transport.close();
    });
    return { transport, rpc, handlers };
  };
  const nodes = nodeIds.map(make);
  for (const node of nodes) await node.transport.start(node.rpc.wrap(node.handlers));
  await waitUntil(() => nodes.every((node) => node.transport.connectedPeers().length === nodes.length - 1), 1000, 'every node to meet every other');
  return { network, nodes };
}

/** Two nodes, a and b. */
async function pair(options: RpcOptions = {}) {
  const { network, nodes } = await meshOf([A, B], options);
  return { network, a: nodes[0]!, b: nodes[1]! };
}

async function rejection(promise: Promise<unknown>): Promise<SwarmError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SwarmError);
    return error as SwarmError;
  }
  throw new Error('expected a rejection');
}

describe('rpc', () => {
  test('a request gets its answer; other messages pass through to the handlers', async () => {
    const { a, b } = await pair();
    b.rpc.serve('test.note', (from, body) => note(`${from.slice(0, 1)} said ${String(body.text)}`, Number(body.sequence) + 1));
    const answers = await Promise.all([1, 2, 3].map((sequence) => a.rpc.request(B, note('hi', sequence))));
    expect(answers).toEqual([note('a said hi', 2), note('a said hi', 3), note('a said hi', 4)]);
    expect(a.rpc.inFlight()).toBe(0);
    a.transport.send(B, note('plain'));
    await b.handlers.until(() => b.handlers.messages().length === 1, 1000, 'the plain message');
    expect(b.handlers.messages()).toEqual([note('plain')]);
    expect(a.handlers.messages()).toEqual([]);
  });

  test("the peer's SwarmError arrives with its code; an unknown request is route_not_found; a bug is internal", async () => {
    const { a, b } = await pair();
    b.rpc.serve('test.note', (_from, body) => {
      if (body.text === 'missing') throw new SwarmError('not_found', 'no such key');
      throw new TypeError('oops');
    });
    expect(await rejection(a.rpc.request(B, note('missing')))).toMatchObject({ code: 'not_found', message: 'no such key' });
    expect(await rejection(a.rpc.request(B, note('bug')))).toMatchObject({ code: 'internal' });
    expect(await rejection(b.rpc.request(A, note('x')))).toMatchObject({ code: 'route_not_found' });
  });

  test('a request nobody answers times out as unavailable, and a late answer is ignored', async () => {
    const { a, b } = await pair({ timeoutMs: 30 });
    b.rpc.serve('test.note', async () => {
      await sleep(60);
      return note('late');
    });
    const error = await rejection(a.rpc.request(B, note('slow')));
    expect(error.code).toBe('unavailable');
    expect(error.details.reason).toBe('timeout');
    await waitUntil(() => a.rpc.stats.unmatchedAnswers === 1, 1000, 'the late answer');
    expect(a.rpc.stats.timeouts).toBe(1);
  });

  test('requests beyond the in-flight bound fail at once', async () => {
    const { a, b } = await pair({ inFlightMax: 2 });
    b.rpc.serve('test.note', async () => {
      await sleep(20);
      return note('ok');
    });
    const first = a.rpc.request(B, note('1'));
    const second = a.rpc.request(B, note('2'));
    expect((await rejection(a.rpc.request(B, note('3')))).details.reason).toBe('busy');
    expect(await Promise.all([first, second])).toEqual([note('ok'), note('ok')]);
    expect(await a.rpc.request(B, note('4'))).toEqual(note('ok'));
  });

  test('a peer that does not answer uses up only its own share of the in-flight bound', async () => {
    // b has gone silent (killed, cut off) and failure detection has not said so yet: requests to it
    // wait for their deadline. They must not hold the slots a's requests to c need.
    const { nodes } = await meshOf([A, B, C], { inFlightPerPeerMax: 2, inFlightMax: 3, timeoutMs: 200 });
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    b.rpc.serve('test.note', async () => {
      await sleep(1000);
      return note('too late');
    });
    c.rpc.serve('test.note', () => note('ok'));
    const toSilent = [a.rpc.request(B, note('1')), a.rpc.request(B, note('2'))];
    const refused = await rejection(a.rpc.request(B, note('3')));
    expect(refused.details).toMatchObject({ reason: 'busy', nodeId: B });
    expect(refused.message).toBe(`2 requests to ${B} already in flight`);
    expect([a.rpc.inFlightTo(B), a.rpc.inFlightTo(C)]).toEqual([2, 0]);
    // c is still served, one request at a time up to the bound of all peers together (3).
    expect(await a.rpc.request(C, note('x'))).toEqual(note('ok'));
    const slowC = [a.rpc.request(C, note('y'))];
    expect((await rejection(a.rpc.request(C, note('z')))).message).toBe('3 requests already in flight');
    await Promise.all(slowC);
    // The silent peer's requests time out and give their slots back.
    for (const request of toSilent) expect((await rejection(request)).details.reason).toBe('timeout');
    expect([a.rpc.inFlight(), a.rpc.inFlightTo(B)]).toEqual([0, 0]);
    b.rpc.close();
  });

  test('a peer serving too many requests answers the rest unavailable', async () => {
    const { a, b } = await pair({ servingMax: 1 });
    b.rpc.serve('test.note', async () => {
      await sleep(20);
      return note('ok');
    });
    const results = await Promise.allSettled([a.rpc.request(B, note('1')), a.rpc.request(B, note('2'))]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: note('ok') });
    expect(results[1]?.status).toBe('rejected');
    expect(b.rpc.stats.servedBusy).toBe(1);
  });

  test('pending requests fail when their peer goes down; requests to an absent peer fail at once', async () => {
    const { network, a, b } = await pair();
    b.rpc.serve('test.note', () => new Promise(() => {}));
    const pending = a.rpc.request(B, note('never answered'));
    await sleep(5);
    network.crash(B);
    const error = await rejection(pending);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(error.details.reason).toBe('peer_down');
    expect((await rejection(a.rpc.request(B, note('x')))).details.reason).toBe('not_connected');
    expect(a.handlers.downs()).toEqual([B]);
  });

  test('close() fails what is pending and everything after', async () => {
    const { a, b } = await pair();
    b.rpc.serve('test.note', () => new Promise(() => {}));
    const pending = a.rpc.request(B, note('x'));
    a.rpc.close();
    a.rpc.close();
    expect((await rejection(pending)).details.reason).toBe('closed');
    expect((await rejection(a.rpc.request(B, note('y')))).details.reason).toBe('closed');
  });

  test('an oversize request is payload_too_large, not a send', async () => {
    const network = new MemoryNetwork();
    const transport = new MemoryTransport(network, { nodeId: A, name: 'a', httpAddress: 'h:1', clusterName: 'c', secret: 's'.repeat(16), messages: contractMessages({ messageBytesMax: 100 }) });
    const rpc = new Rpc(transport);
    await transport.start(rpc.wrap(new RecordingHandlers()));
    expect(await rejection(rpc.request(B, note('x'.repeat(200))))).toMatchObject({ code: 'payload_too_large' });
    expect(rpc.inFlight()).toBe(0);
    await transport.close();
  });
});
