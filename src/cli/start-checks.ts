import net from 'node:net';
import { isCallchartError } from '../lib/errors.ts';

/**
 * What `demo` and `serve` check before they start anything (issue 12, defect 8): a busy port or a
 * database that is down used to surface 40 s in, as a stack trace, after a sandbox EHR child had
 * been spawned. Each check answers in milliseconds with one sentence that says what is wrong and
 * what to do, or null. The engine's own start-up can still fail (a race for the port, a store in
 * use); `startFailureSentence` turns those into the same kind of sentence.
 */

/** Exit code of a command that refused to start: the message says what to fix (as for a weak secret). */
export const START_REFUSED_EXIT_CODE = 2;

/** Prints the reason and ends the process with exit code 2. No stack trace: the sentence is the message. */
export function refuseStart(sentence: string): never {
  console.error(sentence);
  process.exit(START_REFUSED_EXIT_CODE);
}

function portSentence(code: string | undefined, host: string, port: number, option: string): string | null {
  if (code === 'EADDRINUSE') return `Port ${port} on ${host} is already in use by another program: stop that program, or pick another port with ${option} (0 picks a free one).`;
  if (code === 'EACCES') return `Port ${port} on ${host} needs administrator rights: pick a port above 1023 with ${option}.`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `${host} is not an address of this machine: set server.host in the config to one of its addresses (127.0.0.1 for this machine only).`;
  }
  return null;
}

/**
 * Is `host:port` free to listen on? Listens and closes at once. Port 0 (any free port) always is.
 * `option` names how the user picks another port (`--port`, `--ehr-port`).
 */
export async function portProblem(host: string, port: number, option: string): Promise<string | null> {
  if (port === 0) return null;
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      resolve(portSentence(error.code, host, port, option) ?? `Port ${port} on ${host} cannot be opened (${error.code ?? error.message}): pick another port with ${option}.`);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** Where a database URL points, without the user name or password: `host:port/database`. */
export function databaseWhere(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname.length > 1 ? url.pathname : ''}`;
  } catch {
    return 'an unreadable URL';
  }
}

/** Why a PostgreSQL connection failed, and what to do, from the driver's error codes. */
function databaseReason(error: unknown, databaseUrl: string): { reason: string; action: string } {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const fix = 'start PostgreSQL or correct DATABASE_URL (unset it to use the embedded trial store)';
  if (code === 'ECONNREFUSED') return { reason: 'nothing is listening there', action: fix };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { reason: 'the host name does not resolve', action: 'correct the host in DATABASE_URL' };
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /timeout/i.test(message)) return { reason: 'it did not answer in time', action: fix };
  if (code === '28P01' || code === '28000') return { reason: 'the server refused the user name or password', action: 'correct the credentials in DATABASE_URL' };
  if (code === '3D000') {
    const name = (() => {
      try {
        return new URL(databaseUrl).pathname.slice(1);
      } catch {
        return 'named';
      }
    })();
    return { reason: `database "${name}" does not exist`, action: `create it (createdb ${name}) or correct DATABASE_URL` };
  }
  if (code === '57P03') return { reason: 'the server is starting up or shutting down', action: 'wait for PostgreSQL to be ready and start again' };
  return { reason: typeof code === 'string' ? `${message} (${code})` : message, action: fix };
}

/** The one sentence for a database Callchart cannot use. Never quotes the URL (it may hold a password). */
export function databaseSentence(error: unknown, databaseUrl: string): string {
  const { reason, action } = databaseReason(error, databaseUrl);
  return `Cannot use the database in DATABASE_URL (${databaseWhere(databaseUrl)}): ${reason}; ${action}.`;
}

/** Can we connect to PostgreSQL and run a query? One connection, closed at once; 5 s at most. */
export async function databaseProblem(databaseUrl: string): Promise<string | null> {
  try {
    new URL(databaseUrl);
  } catch {
    return 'DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database.';
  }
  // Loaded here: the driver is not needed by the commands that never reach this check.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return databaseSentence(error, databaseUrl);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const connectionCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', '57P03']);

/**
 * Why a start failed, in one sentence (or, for a refused rules file, the sentence and its list of
 * problems), for whatever `startEngine` or the sandbox threw. Unknown failures keep their message
 * and code; CALLCHART_DEBUG=1 adds the stack trace for a bug report.
 */
export function startFailureSentence(error: unknown, context: { host: string; port: number; option: string; databaseUrl?: string | undefined }): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const sentence = (() => {
    if (typeof code === 'string') {
      const port = portSentence(code, context.host, context.port, context.option);
      if (port && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN') return port;
    }
    if (context.databaseUrl && ((typeof code === 'string' && connectionCodes.has(code)) || (isCallchartError(error) && error.code === 'STORE_UNAVAILABLE'))) {
      return databaseSentence(isCallchartError(error) && error.cause ? error.cause : error, context.databaseUrl);
    }
    if (isCallchartError(error) && error.code === 'CONFIG_INVALID') return `${message.replace(/\.?$/, '.')} Correct it and start again.`;
    return `${message}${typeof code === 'string' && !message.includes(code) ? ` (${code})` : ''}`;
  })();
  if (process.env.CALLCHART_DEBUG === '1' && error instanceof Error && error.stack) return `${sentence}\n${error.stack}`;
  return sentence;
}
