// A private DHT for the node suites, on loopback ports the OS picks. hyperdht's own testnet.js binds
// its nodes to hyperdht's default port (49737, then the next four): two suites, or a suite and anything
// else on the machine, then share those ports, and a suite's outcome depends on what ran before it.

import HyperDHT, { type DhtNodeAddress, type HyperDHTOptions } from 'hyperdht';

const TESTNET_HOST = '127.0.0.1';
/** Any port the OS picks: not 0, which hyperdht reads as its default, 49737. */
const ANY_UDP_PORT: readonly [number, number] = [0, 0];

export interface LocalTestnet {
  readonly nodes: HyperDHT[];
  readonly bootstrap: DhtNodeAddress[];
  /** An ephemeral node of this DHT (a client, as a Hyperswarm's own DHT would be). */
  createNode(options?: HyperDHTOptions): HyperDHT;
  destroy(): Promise<void>;
}

/** `size` persistent DHT nodes on 127.0.0.1, the first of them the others' bootstrap. */
export async function createLocalTestnet(size: number): Promise<LocalTestnet> {
  const nodes: HyperDHT[] = [];
  const bootstrap: DhtNodeAddress[] = [];
  const persistentNode = () => new HyperDHT({ bootstrap: [...bootstrap], ephemeral: false, firewalled: false, host: TESTNET_HOST, port: ANY_UDP_PORT });
  const first = persistentNode();
  nodes.push(first);
  await first.fullyBootstrapped();
  bootstrap.push({ host: TESTNET_HOST, port: first.address().port });
  while (nodes.length < size) {
    const node = persistentNode();
    nodes.push(node);
    await node.fullyBootstrapped();
  }
  return {
    nodes,
    bootstrap,
    createNode: (options = {}) => {
      const node = new HyperDHT({ bootstrap, ephemeral: true, host: TESTNET_HOST, port: ANY_UDP_PORT, ...options });
      nodes.push(node);
      return node;
    },
    destroy: async () => {
      for (const node of nodes.reverse()) await node.destroy();
    },
  };
}
