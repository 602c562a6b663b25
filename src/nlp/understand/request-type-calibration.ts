import type { RequestTypeCode } from '../analysis.types.ts';

/**
 * Calibration of request-type cue scores: per code, Platt scaling on the log-odds of the raw
 * noisy-OR score, p = σ(slope · logit(raw) + intercept). Fitted by
 * `bench/eval/calibrate-request-types.ts` on the calibration split and stored as data
 * (`models/request-types.calibration.json`); pure arithmetic here.
 */
export interface RequestTypeCalibration {
  /** Which split the parameters were fitted on, and how many calls it had. */
  fittedOn: string;
  calls: number;
  perCode: Record<RequestTypeCode, { slope: number; intercept: number }>;
  /** Secondary codes are returned at or above this probability (chosen on the same split). */
  secondaryThreshold: number;
  /** Below this probability not even the best code is returned as primary. */
  primaryFloor: number;
}

/** Raw scores are clipped away from 0 and 1 so the log-odds stay finite: no cue at all is "very unlikely", not impossible. */
export const rawFloor = 0.02;
const rawCeiling = 0.995;

export function logOdds(raw: number): number {
  const clipped = Math.min(rawCeiling, Math.max(rawFloor, raw));
  return Math.log(clipped / (1 - clipped));
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The calibrated probability of `type` for a raw cue score. */
export function calibrated(calibration: RequestTypeCalibration, type: RequestTypeCode, raw: number): number {
  const { slope, intercept } = calibration.perCode[type];
  return sigmoid(slope * logOdds(raw) + intercept);
}
