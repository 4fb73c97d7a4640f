import { hostNotPublic, isPublicAddress } from '../src';

describe('the address rule of webhooks', () => {
  it('judges an IPv4-mapped IPv6 address as its IPv4 one, written either way', () => {
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '::ffff:c0a8:101']) expect([address, isPublicAddress(address)]).toEqual([address, false]);
    expect(isPublicAddress('::ffff:808:808')).toBe(true);
  });

  it('refuses localhost and the names under it without asking DNS, and a name resolving only to addresses that are not public', async () => {
    const asked: string[] = [];
    const dns = (answer: string[]) => async (name: string) => {
      asked.push(name);
      return answer;
    };
    for (const name of ['localhost', 'localhost.', 'LocalHost', 'api.localhost']) expect(await hostNotPublic(name, dns(['93.184.215.14']))).toContain('not a public address');
    expect(asked).toEqual([]);
    expect(await hostNotPublic('inside.example', dns(['10.0.0.1', 'fd00::1']))).toBe('inside.example resolves only to 10.0.0.1, fd00::1, not a public address');
    expect(await hostNotPublic('mixed.example', dns(['10.0.0.1', '93.184.215.14']))).toBeUndefined();
  });

  it('lets through a name that does not resolve, or not in time (each delivery checks it again)', async () => {
    expect(await hostNotPublic('nowhere.example', async () => [])).toBeUndefined();
  });
});
