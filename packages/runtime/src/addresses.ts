import { Resolver } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses that are not the public internet's: loopback, private, link-local, shared, multicast, reserved, relays and translations. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
// `::/96` holds the unspecified address, loopback and the IPv4-compatible ones; 6to4 and NAT64 carry an IPv4 address.
for (const [network, prefix] of [['::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16]] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** An IPv4-mapped IPv6 address's IPv4 address, in either form (`::ffff:127.0.0.1`, or `::ffff:7f00:1` as URLs write it). */
function mappedIpv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether `address` (an IPv4 or IPv6 address) is on the public internet; an IPv4-mapped IPv6 address is judged as its IPv4 one. */
export function isPublicAddress(address: string): boolean {
  const mapped = mappedIpv4(address);
  if (mapped) return !NOT_PUBLIC.check(mapped, 'ipv4');
  return !NOT_PUBLIC.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why the literal address `host` may not be reached (`isPublicAddress`), or undefined. */
export const addressNotPublic = (host: string): string | undefined => (isPublicAddress(host) ? undefined : `${host} is not a public address`);

/** How long a registration waits for DNS before it lets the name through (the delivery checks it again). */
const LOOKUP_WAIT_MS = 2_000;

/** A name's addresses, as DNS answers them; none when it does not resolve. */
export type AddressesOf = (name: string) => Promise<string[]>;

/**
 * A name's A and AAAA addresses, asked of the DNS servers once each and given up on after `LOOKUP_WAIT_MS` (c-ares:
 * a query given up on ends, unlike `lookup`'s getaddrinfo, which would hold a thread of libuv's pool).
 */
const addressesInDns: AddressesOf = async (name) => {
  const resolver = new Resolver({ timeout: LOOKUP_WAIT_MS, tries: 1 });
  const answers = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  return answers.flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []));
};

/** `localhost` and the names under it are this machine's, whatever DNS says (RFC 6761). */
const LOCALHOST = /^(.+\.)?localhost\.?$/i;

/**
 * Why a URL's host may not be reached, judged when it is registered: a literal address that is not public, `localhost`
 * or a name under it, or a name every address of which is not public. A name that does not resolve (yet), or not in
 * time, passes: a delivery checks each address it connects to again, DNS being free to change meanwhile.
 */
export async function hostNotPublic(hostname: string, addressesOf: AddressesOf = addressesInDns): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return addressNotPublic(host);
  if (LOCALHOST.test(host)) return `${host} is this machine (localhost), not a public address`;
  const addresses = await addressesOf(host);
  if (!addresses.length || addresses.some(isPublicAddress)) return undefined;
  return `${host} resolves only to ${addresses.join(', ')}, not a public address`;
}
