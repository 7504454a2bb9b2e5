// A PeerLink over one Hyperswarm connection: a protomux channel for our protocol on the Noise stream.
// The hello travels as the channel's open handshake, so it is the first thing either side can read;
// every later frame is one protomux message, and the frames of one job go out as one protomux batch
// (send-coalescer.ts). Sends to a peer whose stream is backed up draw on a byte budget, and are dropped
// once it is spent, until the stream drains.

import c from 'compact-encoding';
import Protomux, { type Channel, type ProtomuxMessage } from 'protomux';
import type { PeerInfo, SwarmConnection } from 'hyperswarm';
import { assert } from '../assert';
import type { LinkReceiver, PeerLink, SendOutcome } from './peer-link';
import { SendBudget } from './send-budget';
import { SendCoalescer } from './send-coalescer';

/** The protomux protocol name; the wire version is negotiated in the hello, not here. */
export const CHANNEL_PROTOCOL = 'swarmkv/1';

const EMPTY = new Uint8Array(0);

export class HyperswarmLink implements PeerLink {
  readonly handshakeHash: Uint8Array;
  readonly localPublicKey: Uint8Array;
  readonly remotePublicKey: Uint8Array;
  readonly remoteAddress: string;
  readonly #connection: SwarmConnection;
  readonly #peerInfo: PeerInfo;
  readonly #mux: Protomux;
  readonly #budget: SendBudget;
  readonly #coalescer: SendCoalescer;
  #channel: Channel<Uint8Array | null> | undefined;
  #frames: ProtomuxMessage<Uint8Array> | undefined;
  #receiver: LinkReceiver | undefined;
  #destroyed = false;

  constructor(connection: SwarmConnection, peerInfo: PeerInfo, sendQueueBytesMax: number) {
    assert(connection.handshakeHash !== null, 'an open connection has a handshake hash');
    this.#connection = connection;
    this.#peerInfo = peerInfo;
    this.handshakeHash = connection.handshakeHash;
    this.localPublicKey = connection.publicKey;
    this.remotePublicKey = connection.remotePublicKey;
    const raw = connection.rawStream;
    this.remoteAddress = raw === null ? 'unknown' : `${raw.remoteHost ?? '?'}:${raw.remotePort}`;
    this.#budget = new SendBudget(sendQueueBytesMax);
    this.#mux = Protomux.from(connection);
    this.#coalescer = new SendCoalescer(this.#mux);
    connection.on('close', () => this.#receiver?.linkClosed());
  }

  attach(receiver: LinkReceiver): void {
    this.#receiver = receiver;
    const channel = this.#mux.createChannel<Uint8Array | null>({
      protocol: CHANNEL_PROTOCOL,
      handshake: c.buffer,
      onopen: (hello) => receiver.receiveHello(hello ?? EMPTY),
      onclose: () => this.destroy('channel_closed'),
      ondrain: () => this.#budget.reset(),
    });
    if (channel === null) {
      this.destroy('channel_refused');
      return;
    }
    this.#frames = channel.addMessage({ encoding: c.raw, onmessage: (frame) => receiver.receiveFrame(frame) });
    this.#channel = channel;
  }

  sendHello(frame: Uint8Array): void {
    this.#channel?.open(frame);
  }

  sendFrame(frame: Uint8Array): SendOutcome {
    if (this.#destroyed || this.#frames === undefined) return 'closed';
    // Below the stream's high-water mark a write is cheap; above it, each byte is drawn from the budget.
    if (!this.#mux.drained && !this.#budget.tryReserve(frame.byteLength)) return 'congested';
    this.#coalescer.willSend(frame.byteLength);
    this.#frames.send(frame);
    return 'sent';
  }

  destroy(reason: string, options: { readonly ban?: boolean } = {}): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    // A banned key is refused by Hyperswarm's firewall from now on, and never dialled again.
    if (options.ban === true) this.#peerInfo.ban(true);
    this.#connection.destroy(new Error(`swarmkv: ${reason}`));
  }
}
