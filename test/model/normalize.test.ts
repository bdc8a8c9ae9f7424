/** The normalizations both sides of a comparison share (providers' live objects, the planner's desired ones). */
import { describe, expect, it } from 'vitest';
import { canonicalIpv6, normalizeName } from '../../src/model/normalize.ts';

describe('shared normalization', () => {
  it('writes IPv6 addresses in RFC 5952 form, and leaves what does not parse trimmed and lowercase', () => {
    expect(canonicalIpv6('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIpv6(' 2001:0db8:0000:0000:0000:0000:0000:0001 ')).toBe('2001:db8::1');
    expect(canonicalIpv6('fe80:0:0:0:0:0:0:1')).toBe('fe80::1');
    expect(canonicalIpv6('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(canonicalIpv6(' Not-An-Address ')).toBe('not-an-address');
  });

  it('compares names lowercase, trimmed, without the trailing dot', () => {
    expect(normalizeName(' WWW.Example.COM. ')).toBe('www.example.com');
  });
});
