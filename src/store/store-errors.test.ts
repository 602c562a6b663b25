import { describe, expect, it } from 'vitest';
import { classifyStoreError, sqlstateOf } from './store-errors.ts';

const pgError = (code: string) => Object.assign(new Error('synthetic'), { code });

describe('classifyStoreError', () => {
  it.each(['22021', '22P05', '22008', '22P02', '23502', '23514', '54000', '54001'])('SQLSTATE %s is a data error (permanent)', (code) => {
    expect(classifyStoreError(pgError(code))).toBe('data');
  });

  it.each(['08006', '08001', '53300', '57P01', '57P03', '57014', '58030', '40001', '40P01', '55P03', '23505', 'XX000'])('SQLSTATE %s means the store cannot answer now (retry)', (code) => {
    expect(classifyStoreError(pgError(code))).toBe('unavailable');
  });

  it('socket errors and the driver\'s connection messages are unavailability', () => {
    expect(classifyStoreError(pgError('ECONNREFUSED'))).toBe('unavailable');
    expect(classifyStoreError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(classifyStoreError(new Error('Cannot use a pool after calling end on the pool'))).toBe('unavailable');
    expect(classifyStoreError(new Error('PGlite is closed'))).toBe('unavailable');
  });

  it('anything else is unknown: a fault of ours, never blamed on the sender', () => {
    expect(classifyStoreError(new TypeError('x.map is not a function'))).toBe('unknown');
    expect(classifyStoreError(pgError('42P01'))).toBe('unknown');
    expect(classifyStoreError(null)).toBe('unknown');
    expect(classifyStoreError('text')).toBe('unknown');
  });

  it('sqlstateOf returns only a SQLSTATE', () => {
    expect(sqlstateOf(pgError('22021'))).toBe('22021');
    expect(sqlstateOf(pgError('ECONNREFUSED'))).toBeNull();
    expect(sqlstateOf(undefined)).toBeNull();
  });
});
