// A free TCP port on 127.0.0.1: for a server whose own URL must be known before it listens (the linking page names its callback first).
import { createServer } from 'node:net';

export async function freeLoopbackPort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port on 127.0.0.1'))));
    });
    server.once('error', reject);
  });
}
