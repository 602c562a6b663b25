import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { type Hl7Message, Hl7Segment } from '@medplum/core';
import { Hl7Connection, type Hl7MessageEvent } from '@medplum/hl7';
import type { Logger } from '../lib/logger.ts';
import { readHl7Header, readWrittenDocument, type ReceivedDocument } from './hl7-message.reader.ts';

/**
 * A real MLLP receiver standing in for an EHR's HL7 interface: for tests, the demo and a future
 * `callchart mllp-peer` command. It files MDM^T02 and ORU^R01 notes once per business identifier
 * (TXA-12 / OBR-3), counts every delivery, answers AA/AE/AR like an interface engine, and can be
 * told to misbehave, at a rate or for the next messages:
 * - `drop`: file the note, then close the connection without an ACK (the sender cannot know)
 * - `delay`: file the note, then ACK after `delayMs` (past the sender's timeout)
 * - `error`: do not file; AE with ERR-3 207 (application internal error)
 * - `reject`: do not file; AR with ERR-3 200 (unsupported message type)
 * Everything it holds is in memory and it keeps its documents across stop/start, so a test can
 * "restart the EHR" and still count duplicates.
 */

export const PeerFault = { drop: 'drop', delay: 'delay', error: 'error', reject: 'reject' } as const;
export type PeerFault = (typeof PeerFault)[keyof typeof PeerFault];

export interface MllpPeerOptions {
  /** 0 (the default) picks a free port; a restart reuses the port it got. */
  port?: number;
  /**
   * Interface to listen on; default 127.0.0.1. It stands in for an EHR and files whatever it is
   * sent, so it is reachable from elsewhere only when asked (e.g. '0.0.0.0' in a lab network).
   */
  host?: string;
  /** Fraction of messages (0..1) that get each fault; they are tried in declaration order. */
  faultRates?: Partial<Record<PeerFault, number>>;
  /** ACK delay for the `delay` fault. */
  delayMs?: number;
  /** Enhanced acknowledgment mode: the library sends CA on receipt, then we send AA/AE/AR. */
  enhancedMode?: boolean;
  /** Injectable for reproducible fault runs. */
  random?: () => number;
  logger?: Logger;
}

export interface PeerDocument extends ReceivedDocument {
  /** How many times it arrived (1 = once; more = resends the peer de-duplicated). */
  deliveries: number;
  /** MSH-10 of each delivery, in arrival order. */
  controlIds: string[];
  firstReceivedAt: Date;
}

export interface PeerStats {
  messages: number;
  acks: { AA: number; AE: number; AR: number };
  dropped: number;
  delayed: number;
}

// Table 0357 codes the peer answers with; text is fixed, so an ACK never quotes the message.
const errorCodes = {
  '101': 'Required field missing',
  '200': 'Unsupported message type',
  '207': 'Application internal error',
} as const;

export class MllpPeer {
  private server: net.Server | undefined;
  private readonly connections = new Set<Hl7Connection>();
  private boundPort: number;
  private readonly filed = new Map<string, PeerDocument>();
  private readonly scripted: PeerFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly options: MllpPeerOptions;
  private readonly logger: Logger | undefined;
  readonly stats: PeerStats = { messages: 0, acks: { AA: 0, AE: 0, AR: 0 }, dropped: 0, delayed: 0 };

  constructor(options: MllpPeerOptions = {}) {
    this.options = options;
    this.boundPort = options.port ?? 0;
    this.logger = options.logger?.child({ component: 'mllp-peer' });
  }

  /**
   * Starts listening on `host` (127.0.0.1 by default). Resolves with the port. The socket server is
   * ours, not @medplum/hl7's Hl7Server, whose `start` takes no host and binds every interface;
   * each connection is still the library's Hl7Connection (MLLP framing, ACK modes).
   */
  async start(): Promise<number> {
    if (this.server) return this.boundPort;
    const server = net.createServer((socket) => {
      const connection = new Hl7Connection(socket, undefined, this.options.enhancedMode ?? false);
      this.connections.add(connection);
      connection.addEventListener('close', () => this.connections.delete(connection));
      this.accept(connection);
    });
    server.listen({ port: this.boundPort, host: this.options.host ?? '127.0.0.1' });
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
    this.logger?.info({ port: this.boundPort, host: this.options.host ?? '127.0.0.1' }, 'mllp peer listening');
    return this.boundPort;
  }

  /** Stops listening and closes open connections at once. Filed documents are kept. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
    await closed;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Faults for the next messages, in order, ahead of any rates. */
  injectNext(...faults: PeerFault[]): void {
    this.scripted.push(...faults);
  }

  /** Filed documents, in arrival order. */
  documents(): PeerDocument[] {
    return [...this.filed.values()];
  }

  /** Deliveries of one business identifier (0 if never filed). */
  deliveriesOf(documentId: string, messageType: ReceivedDocument['messageType'] = 'MDM^T02'): number {
    return this.documents().find((doc) => doc.documentId === documentId && doc.messageType === messageType)?.deliveries ?? 0;
  }

  private accept(connection: Hl7Connection): void {
    // Enhanced mode writes CA and then AA: with Nagle on, the AA waits for the sender's delayed
    // TCP ACK (≈ 40 ms on Linux) for no reason.
    connection.socket.setNoDelay(true);
    connection.addEventListener('message', (event: Hl7MessageEvent) => this.receive(connection, event.message));
    // Socket errors (a client resetting) are the sender's business; keep serving others.
    connection.addEventListener('error', () => undefined);
  }

  private nextFault(): PeerFault | undefined {
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    const roll = (this.options.random ?? Math.random)();
    let threshold = 0;
    for (const fault of Object.values(PeerFault)) {
      threshold += this.options.faultRates?.[fault] ?? 0;
      if (roll < threshold) return fault;
    }
    return undefined;
  }

  private receive(connection: Hl7Connection, message: Hl7Message): void {
    // In enhanced mode the library already sent CA; ACKs we receive are not ours to answer.
    if (message.getSegment('MSH')?.getComponent(9, 1) === 'ACK') return;
    this.stats.messages += 1;
    const header = readHl7Header(message);
    if (!header.ok) {
      this.answer(connection, message, 'AR', '101', 'MSH');
      return;
    }
    const read = readWrittenDocument(message);
    if (!read.ok) {
      const unsupported = read.problem === 'UNSUPPORTED_MESSAGE_TYPE';
      this.answer(connection, message, unsupported ? 'AR' : 'AE', unsupported ? '200' : '101', read.location);
      return;
    }

    const fault = this.nextFault();
    if (fault === 'error') return this.answer(connection, message, 'AE', '207');
    if (fault === 'reject') return this.answer(connection, message, 'AR', '200', 'MSH-9');

    this.file(read.document, header.header.controlId);
    if (fault === 'drop') {
      this.stats.dropped += 1;
      connection.socket.destroy();
      return;
    }
    if (fault === 'delay') {
      this.stats.delayed += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!connection.isClosed()) this.answer(connection, message, 'AA');
      }, this.options.delayMs ?? 2_000);
      this.timers.add(timer);
      return;
    }
    this.answer(connection, message, 'AA');
  }

  private file(document: ReceivedDocument, controlId: string): void {
    const key = `${document.messageType}|${document.namespace}|${document.documentId}`;
    const existing = this.filed.get(key);
    if (existing) {
      // A resend: count it, keep the first copy (what a de-duplicating receiver charts).
      existing.deliveries += 1;
      existing.controlIds.push(controlId);
    } else {
      this.filed.set(key, { ...document, deliveries: 1, controlIds: [controlId], firstReceivedAt: new Date() });
    }
    this.logger?.info({ documentId: document.documentId, messageType: document.messageType, deliveries: this.filed.get(key)?.deliveries }, 'document received');
  }

  private answer(connection: Hl7Connection, message: Hl7Message, ackCode: 'AA' | 'AE' | 'AR', errorCode?: keyof typeof errorCodes, location?: string): void {
    this.stats.acks[ackCode] += 1;
    let errSegment: Hl7Segment | undefined;
    if (errorCode) {
      const [segmentId = '', fieldPosition = ''] = (location ?? '').split('-');
      const errorLocation = segmentId ? `${segmentId}^1^${fieldPosition}` : '';
      errSegment = new Hl7Segment(['ERR', '', errorLocation, `${errorCode}^${errorCodes[errorCode]}^HL70357`, 'E'], message.context);
    }
    if (connection.isClosed()) return;
    connection.send(message.buildAck({ ackCode, errSegment }));
  }
}
