import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import { reconnectDelayMs } from './live-notification.ts';

export interface PgListenOptions {
  /** How to reach the server (the store's own connection settings). */
  connection: pg.ClientConfig;
  channel: string;
  /** A notification on the channel (its payload, unparsed). */
  onNotification: (payload: string | undefined) => void;
  /**
   * Listening (again). `reconnected`: after a drop, so notifications sent meanwhile were missed and
   * the caller reloads current state. Errors it throws are logged, never fatal.
   */
  onListening: (event: { reconnected: boolean; lostAt: Date | null }) => Promise<void> | void;
  logger: Logger;
  backoff?: { baseMs: number; maxMs: number };
}

/**
 * One dedicated PostgreSQL connection that LISTENs (a pooled one cannot: notifications go to the
 * session that listens). When it drops — a database restart, a failover, pg_terminate_backend — it
 * reconnects with backoff and listens again; the process never crashes over it.
 */
export class PgListenClient {
  private client: pg.Client | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private everListened = false;
  /** When the connection that listened was lost (the start of the gap to catch up on). */
  private lostAt: Date | null = null;
  /** Times it listened again after a drop (tests and metrics). */
  reconnects = 0;

  constructor(private readonly options: PgListenOptions) {}

  get listening(): boolean {
    return this.client !== null;
  }

  /** The server process of the listening session (what an operator, or a test, terminates). */
  get backendPid(): number | null {
    return (this.client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  /** Connects and listens; if the first try fails, keeps trying in the background and resolves. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ ...this.options.connection, application_name: 'callchart-live-listen', keepAlive: true });
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) {
        this.client = null;
        this.lostAt ??= new Date();
      }
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.options.logger.warn({ errCode: (error as { code?: string } | undefined)?.code ?? 'CONNECTION_ENDED' }, 'live fan-out connection lost; reconnecting');
      this.schedule();
    };
    // Handled before connecting: an error event without a listener would end the process.
    client.on('error', (error) => drop(error));
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotification(message.payload);
    });
    try {
      await client.connect();
      // The channel is a fixed identifier of ours, never input: quoted for form's sake.
      await client.query(`listen "${this.options.channel}"`);
    } catch (error) {
      drop(error as Error);
      return;
    }
    if (this.stopped || dropped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    const reconnected = this.everListened;
    this.everListened = true;
    if (reconnected) {
      this.reconnects += 1;
      this.options.logger.info({ reconnects: this.reconnects }, 'live fan-out listening again');
    }
    const lostAt = this.lostAt;
    this.lostAt = null;
    try {
      await this.options.onListening({ reconnected, lostAt });
    } catch (error) {
      this.options.logger.error({ err: { code: (error as { code?: string }).code ?? 'INTERNAL' } }, 'live fan-out catch-up failed');
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const delay = reconnectDelayMs(this.attempt++, this.options.backoff ?? { baseMs: 250, maxMs: 10_000 }, Math.random());
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}
