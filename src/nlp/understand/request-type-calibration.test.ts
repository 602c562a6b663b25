import { describe, expect, it } from 'vitest';
import { requestTypeCodes } from '../analysis.types.ts';
import calibrationData from './models/request-types.calibration.json' with { type: 'json' };
import { calibrated, logOdds, type RequestTypeCalibration } from './request-type-calibration.ts';

const identity: RequestTypeCalibration = {
  fittedOn: 'test', calls: 0, secondaryThreshold: 0.5, primaryFloor: 0.2,
  perCode: Object.fromEntries(requestTypeCodes.map((type) => [type, { slope: 1, intercept: 0 }])) as RequestTypeCalibration['perCode'],
};

describe('calibrated', () => {
  it('slope 1, intercept 0 leaves a raw score as it is (within the clipping)', () => {
    expect(calibrated(identity, 'referral', 0.7)).toBeCloseTo(0.7, 6);
    expect(calibrated(identity, 'referral', 0)).toBeGreaterThan(0);
    expect(calibrated(identity, 'referral', 1)).toBeLessThan(1);
  });

  it('a negative intercept lowers every probability; a steeper slope separates them', () => {
    const shifted = { ...identity, perCode: { ...identity.perCode, referral: { slope: 2, intercept: -1 } } };
    expect(calibrated(shifted, 'referral', 0.5)).toBeLessThan(0.5);
    expect(calibrated(shifted, 'referral', 0.9)).toBeGreaterThan(calibrated(identity, 'referral', 0.9));
  });

  it('is monotonic in the raw score for the fitted model, for every code', () => {
    const fitted = calibrationData as RequestTypeCalibration;
    for (const type of requestTypeCodes) {
      const values = [0, 0.2, 0.4, 0.6, 0.8, 0.95].map((raw) => calibrated(fitted, type, raw));
      expect(values, type).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('log-odds are finite at 0 and 1', () => {
    expect(Number.isFinite(logOdds(0))).toBe(true);
    expect(Number.isFinite(logOdds(1))).toBe(true);
  });
});

describe('the fitted model file', () => {
  it('has parameters for all twelve codes and a threshold and floor in (0, 1)', () => {
    const fitted = calibrationData as RequestTypeCalibration;
    expect(Object.keys(fitted.perCode).sort()).toEqual([...requestTypeCodes].sort());
    expect(fitted.secondaryThreshold).toBeGreaterThan(0);
    expect(fitted.secondaryThreshold).toBeLessThan(1);
    expect(fitted.primaryFloor).toBeGreaterThan(0);
    expect(fitted.primaryFloor).toBeLessThanOrEqual(fitted.secondaryThreshold);
  });
});
