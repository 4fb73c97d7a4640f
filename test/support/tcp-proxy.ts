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
  // A port from freePort: while the proxy is cut, an outgoing connection must not take it as its local port. Another
  // test's freePort may have chosen it too, in between: then another.
  let port = 0;
  let server: Server | undefined;
  for (let attempt = 0; !server; attempt++) {
    port = await freePort();
    server = await listen(port).catch((error) => {
      if (attempt >= 10) throw error;
      return undefined;
    });
  }
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
