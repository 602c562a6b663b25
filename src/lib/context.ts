import { AsyncLocalStorage } from 'node:async_hooks';

/** What travels with a unit of work into logs, jobs and audit rows. Ids only, never PHI. */
export interface WorkContext {
  requestId?: string;
  traceId?: string;
  tenantId?: string;
  actor?: string;
  callId?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runWithContext<T>(context: WorkContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, work);
}

export function currentContext(): WorkContext {
  return storage.getStore() ?? {};
}
