// The failure detector's record in a line (GET /cluster/health's `membership.changes`): what a node's
// own probes concluded, what it heard from others, and how often it had to refute a suspicion of
// itself. Under a slow link the counts of suspicions and refutations climb while deaths do not: flapping.
import type { ClusterHealthView } from './api-types';

type Change = ClusterHealthView['membership']['changes'][number];

function countOf(changes: readonly Change[], state: Change['state'], by: Change['by']): number {
  return changes.filter((change) => change.state === state && change.by === by).reduce((sum, change) => sum + change.count, 0);
}

export function failureDetectorText(changes: readonly Change[]): string {
  const suspected = countOf(changes, 'suspect', 'probe');
  const heardSuspect = countOf(changes, 'suspect', 'gossip');
  const declared = countOf(changes, 'dead', 'timeout');
  const heardDead = countOf(changes, 'dead', 'gossip');
  const refuted = countOf(changes, 'alive', 'refutation');
  if (suspected + heardSuspect + declared + heardDead + refuted === 0) return 'no suspicion yet';
  return `suspected ${suspected} by its probes, ${heardSuspect} by gossip; declared ${declared} dead, heard of ${heardDead}; refuted ${refuted} of itself`;
}
