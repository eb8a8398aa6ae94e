import { createServer } from 'node:net';

/**
 * A TCP port on `host` that nothing listens on right now: the OS picks it, and it is released
 * before it is returned. Another process could take it in between; callers that cannot retry
 * should let their own server bind port 0 instead.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      probe.close(() => (port === undefined ? reject(new Error('the probe server has no port')) : resolve(port)));
    });
  });
}
