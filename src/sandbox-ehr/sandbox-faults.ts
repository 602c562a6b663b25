/**
 * Fault injection for chaos tests and benchmarks. Two dials:
 * - `mode`: every FHIR request misbehaves the same way (the existing switch, for targeted tests);
 * - `failRate`: each FHIR request independently fails with that probability, the kind picked
 *   uniformly from INJECTED_FAULT_KINDS (for chaos runs: retries, the breaker and the outbox must
 *   still end with exactly one write in the chart).
 * The kinds are the ones that matter for exactly-once: a clean refusal (500), back-pressure (429),
 * a write that landed but whose answer never came (timeout after apply), and a connection that
 * died before anything was applied (reset before apply).
 */
import { seededRandom } from '../lib/seeded-random.ts';

export const INJECTED_FAULT_KINDS = ['http-500', 'http-429', 'timeout-after-apply', 'reset-before-apply'] as const;
export type InjectedFaultKind = (typeof INJECTED_FAULT_KINDS)[number];

/** The token endpoint has no "applied" state worth testing: it fails cleanly or drops. */
export const TOKEN_FAULT_KINDS: readonly InjectedFaultKind[] = ['http-500', 'http-429', 'reset-before-apply'];

export const FAULT_MODES = ['none', 'http-500', 'http-429', 'hang', 'crowd', 'timeout-after-apply', 'reset-before-apply'] as const;

/**
 * Faults a test or benchmark can set at `PUT /_sandbox/faults` or with `setFaults` (the sandbox is
 * a test tool): `hang` waits 30 s then answers; `crowd` makes a phone search return 150 "matches"
 * (the main number of a care home). `resourceTypes` aims `mode` and `failRate` at requests on
 * those resource types only (empty: every request), e.g. a chart that fails while the caller
 * lookup (Patient, RelatedPerson) still answers.
 */
export interface SandboxFaults {
  latencyMs: number;
  mode: (typeof FAULT_MODES)[number];
  failRate: number;
  tokenFailRate: number;
  resourceTypes: string[];
}

/** Whether `mode` and `failRate` apply to a request on `resourceType`. */
export function faultsTarget(faults: Pick<SandboxFaults, 'resourceTypes'>, resourceType: string): boolean {
  return faults.resourceTypes.length === 0 || faults.resourceTypes.includes(resourceType);
}

/** Checks a `PUT /_sandbox/faults` body; returns the problem, or null when it is acceptable. */
export function faultsProblem(body: Partial<Record<keyof SandboxFaults, unknown>>): string | null {
  if (body.latencyMs !== undefined && (!Number.isInteger(body.latencyMs) || (body.latencyMs as number) < 0 || (body.latencyMs as number) > 60_000)) {
    return 'latencyMs must be an integer from 0 to 60000';
  }
  if (body.mode !== undefined && !(FAULT_MODES as readonly unknown[]).includes(body.mode)) return `mode must be one of ${FAULT_MODES.join(', ')}`;
  for (const rate of ['failRate', 'tokenFailRate'] as const) {
    const value = body[rate];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1))) return `${rate} must be a number from 0 to 1`;
  }
  const types = body.resourceTypes;
  if (types !== undefined && (!Array.isArray(types) || types.length > 50 || !types.every((type) => typeof type === 'string' && /^[A-Z][A-Za-z]{1,63}$/.test(type)))) {
    return 'resourceTypes must be a list of at most 50 FHIR resource type names';
  }
  return null;
}

export interface FaultInjector {
  /** The fault for one request, or null: `mode` first, then the `rate` dice. Counts what it injects. */
  pick(rate: number, kinds: readonly InjectedFaultKind[], mode?: SandboxFaults['mode']): InjectedFaultKind | null;
  counts(): Record<InjectedFaultKind, number>;
}

export function createFaultInjector(seed?: number): FaultInjector {
  const random = seed === undefined ? Math.random : seededRandom(seed);
  const counts = Object.fromEntries(INJECTED_FAULT_KINDS.map((kind) => [kind, 0])) as Record<InjectedFaultKind, number>;
  return {
    pick(rate, kinds, mode) {
      let kind: InjectedFaultKind | null = null;
      if (mode && (INJECTED_FAULT_KINDS as readonly string[]).includes(mode)) kind = mode as InjectedFaultKind;
      else if (rate > 0 && random() < rate) kind = kinds[Math.floor(random() * kinds.length)] ?? null;
      if (kind) counts[kind]++;
      return kind;
    },
    counts: () => ({ ...counts }),
  };
}
