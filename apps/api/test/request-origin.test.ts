import { originOf } from '../src/common/request-origin.decorator';

describe('the address a request was sent to (a download link without PUBLIC_URL)', () => {
  it.each([
    ['http', 'chorus.example.org', 'http://chorus.example.org'],
    ['https', 'Chorus.Example.org:8443', 'https://chorus.example.org:8443'],
    ['http', '127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http', '[::1]:3000', 'http://[::1]:3000'],
    ['http', 'localhost:80', 'http://localhost'],
  ])('takes %s://%s as %s', (protocol, host, origin) => {
    expect(originOf(protocol, host)).toBe(origin);
  });

  it.each([undefined, '', 'evil.org/x#', 'evil.org?x', 'user@evil.org', 'evil.org:99999x', 'a b', 'evil.org\\x'])('takes no address from a host of %p', (host) => {
    expect(originOf('http', host)).toBeUndefined();
  });
});
