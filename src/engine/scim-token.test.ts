import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CallchartError } from '../lib/errors.ts';
import { scimTokenFromEnv } from './secrets.ts';

describe('CALLCHART_SCIM_TOKEN', () => {
  it('is off when unset, taken when strong (hex, base64 or prefixed text of 32 random bytes)', () => {
    expect(scimTokenFromEnv({})).toBeUndefined();
    expect(scimTokenFromEnv({ CALLCHART_SCIM_TOKEN: '' })).toBeUndefined();
    for (const token of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64'), `whsec_${randomBytes(32).toString('base64url')}`]) {
      expect(scimTokenFromEnv({ CALLCHART_SCIM_TOKEN: token })).toBe(token);
    }
  });

  it('stops the start when weak, naming the variable and never the value', () => {
    for (const weak of ['changeme-scim-token-changeme-scim-token', 'short', 'a'.repeat(64), 'ab'.repeat(40)]) {
      let error: CallchartError | undefined;
      try {
        scimTokenFromEnv({ CALLCHART_SCIM_TOKEN: weak });
      } catch (caught) {
        error = caught as CallchartError;
      }
      expect(error?.code, weak).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('CALLCHART_SCIM_TOKEN');
      expect(error?.message).not.toContain(weak);
    }
  });
});
