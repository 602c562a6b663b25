import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL in the outage tests) that a test can cut and
 * restore. `cut()` is what a database restart, a failover or a dropped network path looks like
 * to the engine: every open connection is reset (RST, not a polite FIN) and new connections are
 * refused. `restore()` listens again on the same port, so the engine's connection string stays valid.
 */
export interface TcpProxy {
  readonly port: number;
  /** Connections accepted since start (a sign the engine reconnected after a restore). */
  readonly accepted: number;
  /** Reset every open connection and stop accepting new ones. */
  cut(): Promise<void>;
  /** Accept connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let server: Server | null = null;
  let port = 0;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // A reset is the point of the exercise; the proxy itself must not die of it.
    socket.on('error', () => socket.destroy());
  };

  const listen = async (onPort: number): Promise<void> => {
    const next = createServer((client) => {
      accepted++;
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(onPort, '127.0.0.1', () => resolve());
    });
    server = next;
    port = (next.address() as { port: number }).port;
  };

  const stopListening = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen(0);
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    async cut() {
      const closing = stopListening();
      for (const socket of open) {
        try {
          socket.resetAndDestroy();
        } catch {
          socket.destroy(); // not connected yet: nothing to reset
        }
      }
      await closing;
    },
    async restore() {
      if (!server) await listen(port);
    },
    async close() {
      const closing = stopListening();
      for (const socket of open) socket.destroy();
      await closing;
    },
  };
}
