// Ports on 127.0.0.1 for a server whose own URL must be known before it listens (the linking page names its callback first).
import { createServer } from 'node:net';

/** A free port, or `port` itself when it is free; rejects with the listen error (EADDRINUSE) when it is taken. */
export async function loopbackPort(port = 0): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}
