import { describe, expect, test } from 'bun:test';
import { requirementOf, roleSatisfies } from './roles';

describe('roles', () => {
  test.each([
    ['GET', '/kv/a', 'read'],
    ['HEAD', '/kv/a', 'read'],
    ['PUT', '/kv/a', 'write'],
    ['DELETE', '/kv/a', 'write'],
    ['POST', '/kv', 'write'],
    ['POST', '/cluster/repair', 'admin'],
    ['POST', '/cluster/leave', 'admin'],
    ['GET', '/cluster/leave', 'read'],
    ['POST', '/cluster/members/0123456789abcdef/remove', 'admin'],
    ['GET', '/cluster/ring/what-if', 'read'],
    ['POST', '/cluster/ring/what-if', 'admin'],
    ['POST', '/anything/new', 'admin'],
    ['GET', '/anything/new', 'read'],
    ['GET', '/tokens', 'admin'],
    ['GET', '/metrics', 'read'],
    ['GET', '/health/ready', 'none'],
    ['GET', '/dashboard/index.html', 'none'],
    ['OPTIONS', '/kv/a', 'none'],
  ])('%s %s needs %s', (method, path, needed) => {
    expect(requirementOf(method, path)).toBe(needed as ReturnType<typeof requirementOf>);
  });

  test('each role includes the ones below it', () => {
    expect(roleSatisfies('admin', 'write')).toBe(true);
    expect(roleSatisfies('write', 'read')).toBe(true);
    expect(roleSatisfies('read', 'write')).toBe(false);
    expect(roleSatisfies('write', 'admin')).toBe(false);
  });
});
