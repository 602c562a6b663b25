import { Hl7Message, OperationOutcomeError } from '@medplum/core';
import { Hl7Client, type Hl7Connection, type Hl7MessageEvent, ReturnAckCategory } from '@medplum/hl7';
import { CallchartError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { classifyAck, Hl7DeliveryError, readAck } from './hl7-delivery.ts';
import { splitMllpFrames } from './hl7-message.reader.ts';

/**
 * Sends HL7 v2 messages to an EHR's MLLP listener and turns the answer into a delivery or a
 * CallchartError with the right retry class (see hl7-delivery.ts for the table):
 * - could not connect → transient (no byte was written, nothing can have happened)
 * - written, then no ACK in time or the connection dropped → ambiguous (it may have been filed)
 * - AA → delivered; AE / AR / CR → permanent; CE → transient; CA → keep waiting for AA/AE/AR
 *
 * One message at a time per client (MLLP original mode is send, then wait for the ACK), over one
 * kept-alive connection. A dropped connection is replaced on the next send, and so is one that
 * timed out: its state is unknown, and a late ACK must not be read as the answer to the next send.
 */

export interface MllpClientOptions {
  host: string;
  port: number;
  /** How long to wait for the application ACK once the message is written. */
  ackTimeoutMs: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

export interface MllpDelivery {
  ackCode: 'AA';
  messageControlId: string;
  /** Write to ACK, in milliseconds (connect time excluded). */
  roundTripMs: number;
  /** The receiver's engine sent CA (enhanced mode) before the application ACK. */
  commitAccepted: boolean;
}

export class MllpClient {
  private readonly hl7: Hl7Client;
  private readonly ackTimeoutMs: number;
  private readonly logger: Logger | undefined;
  // Sends are chained so each waits for the previous ACK (or failure) before writing.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: MllpClientOptions) {
    this.hl7 = new Hl7Client({
      host: options.host,
      port: options.port,
      keepAlive: true,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
    });
    this.ackTimeoutMs = options.ackTimeoutMs;
    this.logger = options.logger?.child({ component: 'mllp-client' });
  }

  /** True while a connection is open and writable (what the next send would reuse). */
  get connected(): boolean {
    const socket = this.hl7.connection?.socket;
    return Boolean(socket && !socket.destroyed && socket.writable && !socket.readableEnded);
  }

  /**
   * Sends one message and waits for its application ACK.
   * @returns the delivery, when the receiver answered AA.
   * @throws Hl7DeliveryError (a CallchartError) with `retry` transient, ambiguous or permanent;
   *   CallchartError PAYLOAD_INVALID when the message has no MSH-10.
   */
  send(message: Hl7Message): Promise<MllpDelivery> {
    const attempt = this.tail.then(() => this.sendNow(message));
    this.tail = attempt.catch(() => undefined);
    return attempt;
  }

  /** Closes the connection, if any. A later send connects again. */
  async close(): Promise<void> {
    await this.tail;
    await this.hl7.close();
  }

  private async connection(): Promise<Hl7Connection> {
    // The library forgets a connection when it sees it close; a half-closed socket it has not
    // noticed yet would swallow the write, so drop it here and dial again.
    if (this.hl7.connection && !this.connected) await this.hl7.close();
    const connection = await this.hl7.connect();
    // One frame per write: nothing to gain from Nagle, and it can hold a frame for a delayed ACK.
    connection.socket.setNoDelay(true);
    return connection;
  }

  private async sendNow(message: Hl7Message): Promise<MllpDelivery> {
    const messageControlId = message.getSegment('MSH')?.getField(10)?.toString() ?? '';
    if (!messageControlId) throw new CallchartError('PAYLOAD_INVALID', 'HL7 message has no control id', { field: 'MSH-10' });
    const log = this.logger?.child({ messageControlId });

    let connection: Hl7Connection;
    try {
      connection = await this.connection();
    } catch (cause) {
      throw this.failed(log, new Hl7DeliveryError('HL7_PEER_UNAVAILABLE', { messageControlId, reason: socketErrorCode(cause) }, { cause }));
    }

    let commitAccepted = false;
    let resolveGlued: ((ack: Hl7Message) => void) | undefined;
    // The application ACK when it arrived glued to a CA in one socket read (see splitMllpFrames):
    // the library then matches neither, so we read the frames ourselves.
    const gluedAck = new Promise<Hl7Message>((resolve) => (resolveGlued = resolve));
    const onMessage = (event: Hl7MessageEvent): void => {
      for (const ack of acksFor(event.message, messageControlId)) {
        if (readAck(ack).ackCode === 'CA') commitAccepted = true;
        else resolveGlued?.(ack);
      }
    };
    let onClose: (() => void) | undefined;
    const connectionLost = new Promise<never>((_resolve, reject) => {
      onClose = () => reject(new Hl7DeliveryError('HL7_CONNECTION_LOST', { messageControlId }));
      connection.addEventListener('close', onClose);
    });
    connection.addEventListener('message', onMessage);

    const started = performance.now();
    // Every path after this line has written bytes: failures are ambiguous from here on.
    const acked = connection.sendAndWait(message, { returnAck: ReturnAckCategory.APPLICATION, timeoutMs: this.ackTimeoutMs });
    // Whichever loses the race still settles later; keep that from becoming an unhandled rejection.
    acked.catch(() => undefined);
    connectionLost.catch(() => undefined);

    let ack: Hl7Message;
    try {
      const answer = await Promise.race([acked, gluedAck, connectionLost]);
      // Use our own frame, whichever path delivered it.
      ack = acksFor(answer, messageControlId).find((frame) => readAck(frame).ackCode !== 'CA') ?? answer;
    } catch (cause) {
      await this.hl7.close().catch(() => undefined);
      const error =
        cause instanceof Hl7DeliveryError
          ? cause
          : new Hl7DeliveryError(isTimeout(cause) ? 'HL7_ACK_TIMEOUT' : 'HL7_CONNECTION_LOST', { messageControlId, commitAccepted, ackTimeoutMs: this.ackTimeoutMs }, { cause });
      throw this.failed(log, error);
    } finally {
      connection.removeEventListener('message', onMessage);
      if (onClose) connection.removeEventListener('close', onClose);
    }

    const roundTripMs = performance.now() - started;
    const classification = classifyAck(ack);
    if (classification.outcome === 'delivered') {
      log?.info({ ackCode: 'AA', roundTripMs: Math.round(roundTripMs * 10) / 10, commitAccepted }, 'hl7 message delivered');
      return { ackCode: 'AA', messageControlId, roundTripMs, commitAccepted };
    }
    if (classification.outcome === 'committed') {
      // APPLICATION mode never resolves on CA; reaching here means the library changed.
      throw this.failed(log, new Hl7DeliveryError('HL7_ACK_UNREADABLE', { messageControlId, ackCode: 'CA' }));
    }
    const { ackCode, errorCode, errorLocation } = classification.reading;
    throw this.failed(log, new Hl7DeliveryError(classification.failure, { messageControlId, ackCode, errorCode, errorLocation }));
  }

  private failed(log: Logger | undefined, error: Hl7DeliveryError): Hl7DeliveryError {
    log?.warn({ code: error.code, retry: error.retry, ...error.detail }, 'hl7 message not delivered');
    return error;
  }
}

/** ACK frames in a received message that answer our control id. */
function acksFor(message: Hl7Message, messageControlId: string): Hl7Message[] {
  return splitMllpFrames(message.toString())
    .filter((frame) => frame.startsWith('MSH'))
    .map((frame) => Hl7Message.parse(frame))
    .filter((frame) => frame.getSegment('MSA')?.getComponent(2, 1) === messageControlId);
}

function isTimeout(error: unknown): boolean {
  return error instanceof OperationOutcomeError && error.outcome.issue?.[0]?.code === 'timeout';
}

/** `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`… or `CONNECT_FAILED`: a code, never a message with an address. */
function socketErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z_]{3,32}$/.test(code)) return code;
  return error instanceof Error && /timeout/i.test(error.message) ? 'CONNECT_TIMEOUT' : 'CONNECT_FAILED';
}
