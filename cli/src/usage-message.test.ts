import { describe, expect, test } from 'bun:test';
import { usageMessageOf } from './usage-message';

const token = { path: 'token', subCommandNames: ['create', 'ls', 'revoke'] };

describe('usageMessageOf', () => {
  test('an unknown command is quoted without colour codes, beside the commands there are', () => {
    expect(usageMessageOf('Unknown command \x1b[36mlist\x1b[39m', token)).toBe('unknown command "list"; the commands are create, ls, revoke (see swarmkv token --help)');
    expect(usageMessageOf('Unknown command \x1b[36mfrob\x1b[39m', { path: '', subCommandNames: ['put', 'get'] })).toBe('unknown command "frob"; the commands are put, get (see swarmkv --help)');
  });

  test('a missing command names the ones to choose from', () => {
    expect(usageMessageOf('No command specified.', token)).toBe('a command is needed: create, ls, revoke (see swarmkv token --help)');
  });

  test('a missing positional argument, and any other message, keep their words and lose their colours', () => {
    expect(usageMessageOf('Missing required positional argument: KEY', { path: 'get', subCommandNames: [] })).toBe('missing argument KEY (see swarmkv get --help)');
    expect(usageMessageOf('Invalid value for argument: \x1b[36m--role\x1b[39m (\x1b[36mboss\x1b[39m). Expected one of: \x1b[36mread\x1b[39m.', { path: 'token create', subCommandNames: [] }))
      .toBe('Invalid value for argument: --role (boss). Expected one of: read. (see swarmkv token create --help)');
  });
});
