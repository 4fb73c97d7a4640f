import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook POST as received: its path, headers and raw body. */
export interface ReceivedEvent {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** Its address on 127.0.0.1, with `path` after it. */
  url(path?: string): string;
  received: ReceivedEvent[];
  /** The statuses to answer the next requests with, in order (`no answer`: keep the request unanswered until it is dropped); 200 once they run out. */
  answers: (number | 'no answer')[];
  /** The `Location` header to answer with, if any. */
  location?: string;
  stop(): Promise<void>;
}

/** A webhook receiver: a node:http server on 127.0.0.1 that keeps what it is sent. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let port = 0;
  const receiver: WebhookReceiver = {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    received: [],
    answers: [],
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      receiver.received.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = receiver.answers.shift() ?? 200;
      if (answer === 'no answer') return;
      response.writeHead(answer, receiver.location ? { location: receiver.location } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return receiver;
}

/** Whether a received event is signed with `secret`, as the README tells receivers to check: the hex HMAC-SHA256 of the raw body. */
export const signedWith = (event: ReceivedEvent, secret: string) => event.headers['chorus-signature'] === `sha256=${createHmac('sha256', secret).update(event.body).digest('hex')}`;
