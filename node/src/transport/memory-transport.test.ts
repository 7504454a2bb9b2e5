import { describe, test } from 'bun:test';
import { MemoryNetwork } from './memory-network';
import { MemoryTransport } from './memory-transport';
import { CLUSTER_SECRET, describeTransportContract, type ObservableTransport, type TransportFixture } from './transport.contract';

describeTransportContract({ describe, test }, 'memory', async (): Promise<TransportFixture> => {
  const network = new MemoryNetwork({ seed: 7 });
  const created: ObservableTransport[] = [];
  return {
    eventTimeoutMs: 1000,
    quietMs: 50,
    create: (node) => {
      const transport = new MemoryTransport(network, {
        nodeId: node.nodeId,
        name: node.name,
        httpAddress: `${node.name}:7070`,
        clusterName: 'contract',
        secret: node.secret ?? CLUSTER_SECRET,
        messages: node.messages,
      });
      created.push(transport);
      return transport;
    },
    close: async () => {
      await Promise.all(created.map((transport) => transport.close()));
    },
  };
});
