import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { type LookupAddress, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { addressNotPublic, isPublicAddress } from '@chorus/runtime';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';

/** How long an attempt may take, connection and answer included. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** What an attempt got: the receiver's status, or why there was none (`refused`: an address not to be reached, never worth another attempt). */
export type WebhookAnswer = { status: number } | { error: string; refused?: true };

/** An address Chorus will not reach (`isPublicAddress`). */
class AddressRefused extends Error {}

/** The `Chorus-Signature` of a body: the hex HMAC-SHA256 of its raw bytes with the webhook's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs webhook bodies: to a public address only unless configured otherwise (the address each connection is made to
 * is checked, after DNS, so that a name resolving to the inside network is refused too), following no redirect, and
 * giving up after `WEBHOOK_TIMEOUT_MS`.
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {}

  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.mayReach(host)) return Promise.resolve({ error: addressNotPublic(host)!, refused: true });
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const sent = request(target, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, lookup: this.checkedLookup }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
        sent.destroy();
      });
      const timer = setTimeout(() => sent.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)), WEBHOOK_TIMEOUT_MS);
      sent.on('error', (error) => resolve(error instanceof AddressRefused ? { error: error.message, refused: true } : { error: error.message }));
      sent.on('close', () => clearTimeout(timer));
      sent.end(body);
    });
  }

  private mayReach(address: string): boolean {
    return this.config.webhooksAllowPrivateAddresses || isPublicAddress(address);
  }

  /** DNS as usual, refusing a name any of whose addresses is not public (unless allowed). */
  private readonly checkedLookup = (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find(({ address }) => !this.mayReach(address));
      if (refused) return callback(new AddressRefused(`${hostname} resolves to ${refused.address}, not a public address`), []);
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
