import { describe, expect, test } from 'bun:test';
import { CliFailure } from './exit-codes';
import { withConsistency } from './common-args';

describe('withConsistency', () => {
  test('adds the level asked for as the REST API query, and nothing without one', () => {
    expect(withConsistency('/kv/a%2Fb', 'one')).toBe('/kv/a%2Fb?consistency=one');
    expect(withConsistency('/kv/k', 'quorum')).toBe('/kv/k?consistency=quorum');
    expect(withConsistency('/kv/k', 'all')).toBe('/kv/k?consistency=all');
    expect(withConsistency('/kv/k', undefined)).toBe('/kv/k');
  });

  test('another word is a usage error naming the flag; nothing is sent', () => {
    expect(() => withConsistency('/kv/k', 'most')).toThrow(new CliFailure(2, '--consistency must be one, quorum or all, got "most"'));
    expect(() => withConsistency('/kv/k', 'ALL')).toThrow(CliFailure);
    expect(() => withConsistency('/kv/k', 'one&x=1')).toThrow(CliFailure);
  });
});
