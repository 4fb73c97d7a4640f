import { type Server, type Socket, connect, createServer } from 'node:net';
import { freePort } from './processes';

/** A TCP proxy to a server, that a test can cut (as a crashed or unreachable server would be) and restore. */
export interface TcpProxy {
  port: number;
  /** Closes every connection through it and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined); // a cut connection's other end errs
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  // A port from freePort: while the proxy is cut, an outgoing connection must not take it as its local port.
  const port = await freePort();
  let server: Server | undefined = await listen(port);
  const close = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  return {
    port,
    cut: close,
    async restore() {
      server ??= await listen(port);
    },
    close,
  };
}
