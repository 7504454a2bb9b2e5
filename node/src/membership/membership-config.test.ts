import { describe, expect, test } from 'bun:test';
import { ConfigError } from '../config';
import { membershipProfiles, validateMembershipConfig, type MembershipConfig } from './membership-config';

const LAN = membershipProfiles.lan;

describe('validateMembershipConfig', () => {
  test.each(Object.entries(membershipProfiles))('the %s profile is valid', (_, config) => {
    expect(validateMembershipConfig(config)).toBe(config);
  });

  test.each<[string, Partial<MembershipConfig>, RegExp]>([
    ['a probe timeout as long as the interval', { probeTimeoutMs: LAN.probeIntervalMs }, /probeTimeoutMs must be shorter/],
    ['a suspicion timeout shorter than the probe interval', { suspicionTimeoutMinMs: LAN.probeIntervalMs - 1 }, /suspicionTimeoutMinMs/],
    ['a suspicion timeout of one probe interval', { suspicionTimeoutMinMs: LAN.probeIntervalMs }, /two probe intervals/],
    ['a maximum suspicion timeout below the minimum', { suspicionTimeoutMaxMs: LAN.suspicionTimeoutMinMs - 1 }, /suspicionTimeoutMaxMs/],
    ['zero indirect probes', { indirectProbeCount: 0 }, /indirectProbeCount must be a positive integer/],
    ['too many indirect probes', { indirectProbeCount: 9 }, /indirectProbeCount must be at most/],
    ['a fractional interval', { probeIntervalMs: 500.5 }, /probeIntervalMs must be a positive integer/],
    ['an infinite retention', { departedRetentionMs: Infinity }, /departedRetentionMs must be a positive integer/],
    ['a gossip interval beyond the probe interval', { gossipIntervalMs: LAN.probeIntervalMs + 1 }, /gossipIntervalMs/],
    ['a push interval shorter than a probe', { syncIntervalMs: LAN.probeIntervalMs - 1 }, /syncIntervalMs/],
    ['a retention shorter than a suspicion', { departedRetentionMs: LAN.suspicionTimeoutMaxMs - 1 }, /departedRetentionMs/],
  ])('refuses %s', (_, change, message) => {
    expect(() => validateMembershipConfig({ ...LAN, ...change })).toThrow(ConfigError);
    expect(() => validateMembershipConfig({ ...LAN, ...change })).toThrow(message);
  });

  test('the lan profile leaves the 5 s detection budget room: a period plus the longest suspicion plus gossip', () => {
    expect(LAN.probeIntervalMs + LAN.suspicionTimeoutMaxMs + 2 * LAN.gossipIntervalMs).toBeLessThan(5000);
  });
});
