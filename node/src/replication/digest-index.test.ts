// The digest index against brute force: an interval's digest and leaves are exactly those of the keys
// whose positions it contains, whatever the interval (wrapping, whole ring, inside one bucket), and
// updates in any order end at the newest version.

import { describe, expect, test } from 'bun:test';
import { keyPosition } from '../ring';
import { DigestIndex } from './digest-index';
import { containsPosition, intervalWidth, positionHex, RING_SPACE, splitInterval, type PositionInterval } from './position-interval';

const version = (n: number) => `${n.toString(16).padStart(12, '0')}.0000.aaaaaaaaaaaaaaaa`;
const KEYS = Array.from({ length: 3000 }, (_, index) => `key:${index}`);

function filled(): DigestIndex {
  const index = new DigestIndex();
  for (const key of KEYS) index.record(key, version(1));
  return index;
}

describe('position intervals', () => {
  test('children of a split cover the parent exactly, in order', () => {
    const cases: PositionInterval[] = [
      { start: '0000000000000000', end: '0000000000000000' },
      { start: 'f000000000000000', end: '1000000000000000' },
      { start: '0000000000000005', end: '0000000000000008' },
    ];
    for (const parent of cases) {
      const children = splitInterval(parent, 16);
      expect(children[0]!.start).toBe(parent.start);
      expect(children.at(-1)!.end).toBe(parent.end);
      for (let index = 1; index < children.length; index++) expect(children[index]!.start).toBe(children[index - 1]!.end);
      expect(children.reduce((sum, child) => sum + intervalWidth(child), 0n)).toBe(intervalWidth(parent));
    }
    expect(splitInterval({ start: '0000000000000005', end: '0000000000000008' }, 16)).toHaveLength(3);
    expect(intervalWidth({ start: 'ffffffffffffffff', end: 'ffffffffffffffff' })).toBe(RING_SPACE);
  });
});

describe('DigestIndex', () => {
  const index = filled();
  const intervals: PositionInterval[] = [
    { start: '0000000000000000', end: '0000000000000000' },
    { start: '8000000000000000', end: '4000000000000000' },
    { start: '1234000000000000', end: '1234ffffffffffff' },
    { start: '1234100000000000', end: '1234900000000000' },
    { start: 'ffffffffffffffff', end: '0fffffffffffffff' },
    { start: positionHex(RING_SPACE / 3n), end: positionHex((RING_SPACE * 2n) / 3n) },
    { start: keyPosition('key:17'), end: keyPosition('key:17') === 'ffffffffffffffff' ? '0000000000000000' : keyPosition('key:42') },
  ];
  for (const interval of intervals) {
    test(`(${interval.start}, ${interval.end}] holds exactly the keys positioned in it`, () => {
      const expected = KEYS.filter((key) => containsPosition(interval, keyPosition(key))).sort();
      expect(index.versions(interval, 10_000).map((entry) => entry.key).sort()).toEqual(expected);
      expect(index.digest(interval).count).toBe(expected.length);
      const brute = new DigestIndex();
      for (const key of expected) brute.record(key, version(1));
      expect(index.digest(interval).hash).toBe(brute.digest({ start: '0000000000000000', end: '0000000000000000' }).hash);
    });
  }

  test('digests of children XOR to the parent’s, and a split parent finds the one changed key', () => {
    const other = filled();
    other.record('key:99', version(2));
    const whole = { start: '0000000000000000', end: '0000000000000000' };
    expect(other.digest(whole).hash).not.toBe(index.digest(whole).hash);
    expect(other.digest(whole).count).toBe(index.digest(whole).count);
    const differing = splitInterval(whole, 16).filter((child) => other.digest(child).hash !== index.digest(child).hash);
    expect(differing).toHaveLength(1);
    expect(containsPosition(differing[0]!, keyPosition('key:99'))).toBe(true);
  });

  test('updates commute: an older version never replaces a newer one', () => {
    const forward = new DigestIndex();
    const backward = new DigestIndex();
    for (const n of [1, 2, 3]) forward.record('k', version(n));
    for (const n of [3, 1, 2]) expect(backward.record('k', version(n))).toBe(n === 3);
    const whole = { start: '0000000000000000', end: '0000000000000000' };
    expect(backward.digest(whole)).toEqual(forward.digest(whole));
    expect(backward.versionOf('k')).toBe(version(3));
    expect(backward.size).toBe(1);
  });

  test('an empty interval has the zero digest', () => {
    expect(new DigestIndex().digest({ start: '0000000000000000', end: '0000000000000000' })).toEqual({ hash: '0000000000000000', count: 0 });
  });

  test('an erase at the indexed version takes the leaf out; at another version it changes nothing', () => {
    const erased = new DigestIndex();
    erased.record('k', version(2));
    expect(erased.forget('k', version(1))).toBe(false);
    expect(erased.size).toBe(1);
    expect(erased.forget('k', version(2))).toBe(true);
    const whole = { start: '0000000000000000', end: '0000000000000000' };
    expect(erased.digest(whole)).toEqual({ hash: '0000000000000000', count: 0 });
    expect(erased.record('k', version(1))).toBe(true);
  });
});

describe('DigestIndex.versionsAfter', () => {
  const index = filled();
  test('paging after each page’s last key lists the interval’s keys once each, for wrapping and whole-ring intervals', () => {
    const intervals: PositionInterval[] = [
      { start: 'f000000000000000', end: '2000000000000000' },
      { start: '0000000000000000', end: '0000000000000000' },
      { start: '4000000000000000', end: '4800000000000000' },
    ];
    for (const interval of intervals) {
      const expected = KEYS.filter((key) => containsPosition(interval, keyPosition(key))).sort();
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const batch = index.versionsAfter(interval, after, 37);
        if (batch.length === 0) break;
        seen.push(...batch.map((entry) => entry.key));
        after = batch.at(-1)!.key;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(expected);
    }
  });
});
