// The chaos layer's public surface: the faults injected through a node's chaos API (docs/chaos.md),
// the strict checks of its request bodies, and the shapes the CLI and the dashboard read.

export { parseDelayBody, parseHealBody, parseKillBody, parsePartitionBody, parsePauseBody, parseSkewBody, type DelayBody, type HealBody, type KillBody, type PartitionBody, type PauseBody, type SkewBody } from './chaos-bodies';
export type { DelayShape } from './chaos-delays';
export { ChaosFaults, type ChaosCause, type ChaosFaultsOptions } from './chaos-faults';
export { resolvePeers, type KnownPeer } from './chaos-peers';
export { CHAOS_FAULT_KINDS, type ChaosEvent, type ChaosDelayedPeer, type ChaosFaultKind, type ChaosKillReply, type ChaosPauseReply, type ChaosPeer, type ChaosState } from './chaos-types';
export { parseRememberedKill, type KillMemory } from './kill-memory';
export { processEffects, type ChaosEffects } from './process-effects';
