/** The port a test starts a process on is one no outgoing connection can take first (stop 37's CI failure). */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../support/processes';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

// (A machine whose ephemeral range starts low leaves no room below it: freePort then takes what listen(0) gives.)
(ephemeralLow > 21_000 ? it : it.skip)('chooses ports below the kernel range of ephemeral ports, and ones that can be listened on', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) expect(port).toBeLessThan(ephemeralLow);
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
  await new Promise((resolve) => server.close(resolve));
});
