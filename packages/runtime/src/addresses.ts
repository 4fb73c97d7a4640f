import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses that are not the public internet's: loopback, private, link-local, shared, multicast, reserved, relays and translations. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
// `::/96` holds the unspecified address, loopback and the IPv4-compatible ones; 6to4 and NAT64 carry an IPv4 address.
for (const [network, prefix] of [['::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16]] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** Whether `address` (an IPv4 or IPv6 address) is on the public internet; an IPv4-mapped IPv6 address is judged as its IPv4 one. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !NOT_PUBLIC.check(mapped[1]!, 'ipv4');
  return !NOT_PUBLIC.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why the literal address `host` may not be reached (`isPublicAddress`), or undefined. */
export const addressNotPublic = (host: string): string | undefined => (isPublicAddress(host) ? undefined : `${host} is not a public address`);

/** How long a registration waits for DNS before it lets the name through (the delivery checks it again). */
const LOOKUP_WAIT_MS = 2_000;

/**
 * Why a URL's host may not be reached, judged when it is registered: a literal address that is not public, or a name
 * every address of which is not (localhost…). A name that does not resolve (yet), or not in time, passes: a delivery
 * checks each address it connects to again, DNS being free to change meanwhile.
 */
export async function hostNotPublic(hostname: string): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return addressNotPublic(host);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<[]>((resolve) => (timer = setTimeout(() => resolve([]), LOOKUP_WAIT_MS)));
  const addresses = await Promise.race([lookup(host, { all: true, verbatim: true }).catch(() => []), timeout]).finally(() => clearTimeout(timer));
  if (!addresses.length || addresses.some(({ address }) => isPublicAddress(address))) return undefined;
  return `${host} resolves only to ${addresses.map(({ address }) => address).join(', ')}, not a public address`;
}
