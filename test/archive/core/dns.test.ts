import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HostResolver, parseDnsMatchRule } from '../../../src/archive/dns.js';
import { canonicalIp, parseIpLiteral } from '../../../src/archive/ip.js';
import { ApiError, type Resolver } from '../../../src/archive/types.js';
import { stubResolver } from './helpers.js';

const rejects400 = async (p: Promise<unknown>, detail: string): Promise<void> => {
  await assert.rejects(p, (e: unknown) => e instanceof ApiError && e.status === 400 && e.detail === detail);
};

describe('IP literals (canonical like PostgreSQL inet)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2001:0400::0003', '2001:400::3'],
    ['2001:DB8:0:0:1::1', '2001:db8::1:0:0:1'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['0:0:0:0:0:0:0:2', '::2'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::ffff:102:304', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['::', '::'],
    ['::1', '::1'],
    ['10.1.1.1', '10.1.1.1'],
    ['010.1.1.1', undefined],
    ['10.1.1', undefined],
    ['fe80::1%eth0', undefined],
    ['10.0.0.0/8', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['host.example.net', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) {
    test(`${input || '(empty)'} → ${want ?? 'not an address'}`, () => {
      assert.equal(canonicalIp(input), want);
    });
  }
  test('families', async () => {
    assert.equal(parseIpLiteral('10.0.0.1')?.family, 4);
    assert.equal(parseIpLiteral('::ffff:10.0.0.1')?.family, 6);
  });
});

describe('dns-match-rule (archive-api.md: Metadata search)', () => {
  test('rule validation', async () => {
    assert.equal(parseDnsMatchRule(undefined), 'v4v6');
    for (const r of ['v4v6', 'only-v4', 'only-v6', 'prefer-v4', 'prefer-v6']) assert.equal(parseDnsMatchRule(r), r);
    assert.throws(() => parseDnsMatchRule('v6-only'), {
      status: 400,
      detail: 'Invalid dns-match-rule parameter v6-only',
    });
  });

  test('names: each rule with the upstream esmond tests table', async () => {
    const h = new HostResolver(stubResolver(), 0);
    assert.deepEqual(await h.addresses('sacr-pt1.es.net', 'v4v6'), ['198.129.254.38', '2001:400:501:1150::3']);
    assert.deepEqual(await h.addresses('sacr-pt1.es.net', 'only-v4'), ['198.129.254.38']);
    assert.deepEqual(await h.addresses('sacr-pt1.es.net', 'only-v6'), ['2001:400:501:1150::3']);
    assert.deepEqual(await h.addresses('sacr-pt1.es.net', 'prefer-v4'), ['198.129.254.38']);
    assert.deepEqual(await h.addresses('sacr-pt1.es.net', 'prefer-v6'), ['2001:400:501:1150::3']);
    assert.deepEqual(await h.addresses('lbl-pt1.es.net', 'prefer-v6'), ['198.129.254.30']);
    assert.deepEqual(
      await h.addresses('lbl-pt1-v6.es.net', 'v4v6'),
      ['2001:400:201:1150::3'],
      'answers are canonicalised',
    );
    await rejects400(h.addresses('lbl-pt1.es.net', 'only-v6'), 'Unable to find address for host lbl-pt1.es.net');
  });

  test('literals never touch the resolver and obey the family', async () => {
    const calls: string[] = [];
    const h = new HostResolver(stubResolver(calls), 0);
    assert.deepEqual(await h.addresses('10.0.0.1', 'prefer-v6'), ['10.0.0.1']);
    assert.deepEqual(await h.addresses('2001:0400::0003', 'v4v6'), ['2001:400::3']);
    await rejects400(h.addresses('10.0.0.1', 'only-v6'), 'Unable to find address for host 10.0.0.1');
    await rejects400(h.addresses('::1', 'only-v4'), 'Unable to find address for host ::1');
    assert.deepEqual(calls, []);
  });

  test('wrong-family answers, resolver errors and resolver=false give no address', async () => {
    const liar: Resolver = async () => '10.0.0.1';
    assert.deepEqual(await new HostResolver(liar, 0).addresses('x.example', 'v4v6'), ['10.0.0.1']);
    await rejects400(
      new HostResolver(liar, 0).addresses('x.example', 'only-v6'),
      'Unable to find address for host x.example',
    );
    const broken: Resolver = async () => {
      throw new Error('SERVFAIL');
    };
    await rejects400(
      new HostResolver(broken, 0).addresses('x.example', 'v4v6'),
      'Unable to find address for host x.example',
    );
    const garbage: Resolver = async () => 'not an ip';
    await rejects400(
      new HostResolver(garbage, 0).addresses('x.example', 'only-v4'),
      'Unable to find address for host x.example',
    );
    await rejects400(
      new HostResolver(false, 0).addresses('sacr-pt1.es.net', 'v4v6'),
      'Unable to find address for host sacr-pt1.es.net',
    );
    assert.deepEqual(await new HostResolver(false, 0).addresses('10.1.2.3', 'v4v6'), ['10.1.2.3']);
  });

  test('cache: answers reused within the TTL, not with TTL 0', async () => {
    const calls: string[] = [];
    const cached = new HostResolver(stubResolver(calls), 60_000);
    await cached.addresses('bost-pt1.es.net', 'only-v4');
    await cached.addresses('BOST-PT1.es.net', 'only-v4');
    assert.equal(calls.length, 1);
    const uncached = new HostResolver(stubResolver(calls), 0);
    await uncached.addresses('bost-pt1.es.net', 'only-v4');
    await uncached.addresses('bost-pt1.es.net', 'only-v4');
    assert.equal(calls.length, 3);
  });
});
