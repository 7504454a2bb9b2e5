// Ambient types for the holepunch packages, which ship none: only what this layer uses, typed from their
// sources (hyperswarm 4.17, hyperdht 6.34, protomux 3.12, compact-encoding 3.5).

declare module 'hyperdht' {
  import type { EventEmitter } from 'node:events';

  export interface DhtNodeAddress {
    readonly host: string;
    readonly port: number;
  }

  export interface KeyPair {
    readonly publicKey: Buffer;
    readonly secretKey: Buffer;
  }

  export interface HyperDHTOptions {
    /** Omitted means the public bootstrap nodes: never omit it unless that is the intent. */
    readonly bootstrap?: DhtNodeAddress[];
    readonly firewalled?: boolean;
    readonly ephemeral?: boolean;
    readonly host?: string;
    /**
     * A port, or a range [first, last) tried in order before any port. hyperdht reads 0 (and omitted)
     * as its default 49737, so "any port the OS picks" is the empty range [0, 0].
     */
    readonly port?: number | readonly [number, number];
    readonly keyPair?: KeyPair;
  }

  export interface HyperDHTBootstrapperOptions {
    /** The address to bind; `host` (the positional argument) is the address others reach it at. */
    readonly host?: string;
  }

  export default class HyperDHT extends EventEmitter {
    constructor(options?: HyperDHTOptions);
    static keyPair(seed?: Buffer): KeyPair;
    /** The first node of a DHT: persistent, bound to `port`, and told its own address up front. */
    static bootstrapper(port: number, host: string, options?: HyperDHTBootstrapperOptions): HyperDHT;
    readonly destroyed: boolean;
    /** The Kademlia routing table: the other DHT nodes this one knows. */
    readonly table: { readonly size: number };
    ready(): Promise<void>;
    fullyBootstrapped(): Promise<void>;
    address(): { host: string; family: number; port: number };
    destroy(options?: { force?: boolean }): Promise<void>;
  }
}

declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events';
  import type HyperDHT from 'hyperdht';
  import type { KeyPair } from 'hyperdht';

  /** A Noise-encrypted, framed duplex stream (@hyperswarm/secret-stream) to one peer. */
  export interface SwarmConnection extends EventEmitter {
    readonly isInitiator: boolean;
    readonly publicKey: Buffer;
    readonly remotePublicKey: Buffer;
    /** Set once the Noise handshake completes; identical on both ends of the connection. */
    readonly handshakeHash: Buffer | null;
    /** Resolves true once the stream is open, false if it closed first. */
    readonly opened: Promise<boolean>;
    readonly destroyed: boolean;
    readonly rawStream: { readonly remoteHost: string | null; readonly remotePort: number } | null;
    /** Destroys the stream when nothing at all arrives for this long (keep-alives count). */
    setTimeout(ms: number): void;
    destroy(error?: Error): void;
    on(event: 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export interface PeerInfo {
    readonly publicKey: Buffer;
    readonly client: boolean;
    ban(banned: boolean): void;
  }

  export interface PeerDiscoverySession {
    /** Resolves once the topic has been announced and looked up once. */
    flushed(): Promise<void>;
    /** Looks the topic up (and announces) again now. */
    refresh(options?: { client?: boolean; server?: boolean }): Promise<void>;
    destroy(): Promise<void>;
  }

  export interface HyperswarmOptions {
    readonly dht: HyperDHT;
    readonly keyPair?: KeyPair;
    readonly maxPeers?: number;
    readonly maxParallel?: number;
  }

  export default class Hyperswarm extends EventEmitter {
    constructor(options: HyperswarmOptions);
    readonly keyPair: KeyPair;
    readonly dht: HyperDHT;
    readonly connections: Set<SwarmConnection>;
    join(topic: Buffer, options?: { server?: boolean; client?: boolean }): PeerDiscoverySession;
    joinPeer(publicKey: Buffer): void;
    leavePeer(publicKey: Buffer): void;
    flush(): Promise<boolean>;
    destroy(options?: { force?: boolean }): Promise<void>;
    on(event: 'connection', listener: (connection: SwarmConnection, peer: PeerInfo) => void): this;
  }
}

declare module 'compact-encoding' {
  export interface Encoding<T> {
    preencode(state: unknown, value: T): void;
    encode(state: unknown, value: T): void;
    decode(state: unknown): T;
  }

  const c: {
    /** The rest of the frame, unprefixed: for a message that is one whole frame. */
    readonly raw: Encoding<Uint8Array>;
    /** Length-prefixed bytes, or null. */
    readonly buffer: Encoding<Uint8Array | null>;
    /** A variable-length unsigned integer (1, 3, 5 or 9 bytes), up to Number.MAX_SAFE_INTEGER. */
    readonly uint: Encoding<number>;
    readonly uint8: Encoding<number>;
    readonly uint16: Encoding<number>;
    /** A length-prefixed UTF-8 string (decoding replaces invalid bytes: wire/compact-layout.ts checks first). */
    readonly utf8: Encoding<string>;
  };
  export default c;
}

declare module 'protomux' {
  import type { Encoding } from 'compact-encoding';

  export interface ProtomuxMessage<T> {
    /** Returns the stream's write result: false once its buffer is above the high-water mark. */
    send(value: T): boolean;
  }

  export interface ChannelOptions<H> {
    readonly protocol: string;
    readonly id?: Uint8Array | null;
    readonly handshake?: Encoding<H>;
    /** Errors thrown here destroy the stream. */
    onopen?(handshake: H): void | Promise<void>;
    onclose?(): void | Promise<void>;
    ondrain?(): void;
  }

  export interface Channel<H> {
    readonly opened: boolean;
    readonly closed: boolean;
    open(handshake?: H): void;
    close(): void;
    addMessage<T>(options: { encoding: Encoding<T>; onmessage(message: T): void | Promise<void> }): ProtomuxMessage<T>;
  }

  export default class Protomux {
    constructor(stream: unknown);
    static from(stream: unknown): Protomux;
    readonly drained: boolean;
    /** Until as many uncork() calls, messages sent on any channel are gathered into one batch write. */
    cork(): void;
    uncork(): void;
    /** Null when a channel with this protocol and id is already open on the stream. */
    createChannel<H>(options: ChannelOptions<H>): Channel<H> | null;
  }
}
