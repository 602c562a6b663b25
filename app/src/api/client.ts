import createClient from 'openapi-fetch';
import type { paths } from './openapi';
import { inWords } from './messages';

/**
 * The staff app's one way to the engine: openapi-fetch typed by the engine's own /openapi.json
 * (app/src/api/openapi.d.ts, `npm run app:api`; the contract test fails when they disagree), so a
 * path, a parameter or a body the engine does not accept does not compile. Same origin, the
 * session cookie, and the session's CSRF token on every state-changing request.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', cache: 'no-store' });

let csrfToken = '';
/** Set by the session (from /auth/me and the sign-in answers). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** A refusal from the engine: its code (for the app's logic), and a sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** What a person reads: never the code alone. */
    readonly words: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(words);
  }
}

type Answer = { data?: unknown; error?: unknown; response: Response };

/**
 * When the engine last answered this person (any request renews the session's idle timer): the
 * idle warning counts from here. Browser clock.
 */
let lastContactAt = Date.now();
export function lastServerContact(): number {
  return lastContactAt;
}
export function markServerContact(at = Date.now()): void {
  lastContactAt = at;
}
api.use({
  onResponse({ response }) {
    if (response.status !== 401) markServerContact();
    return response;
  },
});

/** Listeners for a lost session (the shell sends the person to sign-in). */
const sessionLostListeners = new Set<() => void>();
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

/**
 * The answer's body as the screen expects it, or an ApiError in words. A 401 that is not a
 * step-up means the session ended: the shell goes to sign-in (and says why).
 */
export async function read<T>(answer: Promise<Answer>): Promise<T> {
  let result: Answer;
  try {
    result = await answer;
  } catch {
    throw new ApiError(0, 'NETWORK', inWords('NETWORK'));
  }
  if (result.response.ok) return result.data as T;
  const body = (result.error ?? {}) as { error?: { code?: string; message?: string; detail?: Record<string, unknown> } };
  const code = body.error?.code ?? `HTTP_${result.response.status}`;
  if (result.response.status === 401 && code !== 'STEP_UP_REQUIRED' && code !== 'STEP_UP_FAILED') for (const listener of sessionLostListeners) listener();
  throw new ApiError(result.response.status, code, inWords(code, body.error?.message), body.error?.detail ?? {});
}
