import { expect, test } from 'bun:test';
import { failureDetectorText } from './failure-detector';

test("a node's failure detector in a line: its own verdicts, what it heard, its refutations", () => {
  expect(failureDetectorText([])).toBe('no suspicion yet');
  expect(failureDetectorText([{ state: 'alive', by: 'none', count: 4 }])).toBe('no suspicion yet');
  expect(
    failureDetectorText([
      { state: 'alive', by: 'none', count: 4 },
      { state: 'suspect', by: 'probe', count: 8 },
      { state: 'suspect', by: 'gossip', count: 3 },
      { state: 'dead', by: 'timeout', count: 1 },
      { state: 'alive', by: 'refutation', count: 2 },
    ]),
  ).toBe('suspected 8 by its probes, 3 by gossip; declared 1 dead, heard of 0; refuted 2 of itself');
});
