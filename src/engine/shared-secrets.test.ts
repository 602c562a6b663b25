import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCallchartError } from '../lib/errors.ts';
import { sharedSecretsFromEnv } from './secrets.ts';

/** Synthetic secrets, fresh per run. */
const env = () => ({
  CALLCHART_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64url')}`,
  CALLCHART_STAFF_TOKEN_SECRET: randomBytes(32).toString('base64'),
  CALLCHART_AUDIT_KEY: randomBytes(32).toString('base64'),
  CALLCHART_KEK_FILE: '/run/secrets/callchart-kek.json',
});
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (isCallchartError(error) && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('secrets of a split deployment (serve --role web|worker)', () => {
  it('come from the environment, as given: every process of the deployment holds the same', () => {
    const given = env();
    const shared = sharedSecretsFromEnv('web', given, () => true);
    expect(shared).toEqual({ webhookSecret: given.CALLCHART_WEBHOOK_SECRET, staffTokenSecret: given.CALLCHART_STAFF_TOKEN_SECRET, auditKey: given.CALLCHART_AUDIT_KEY });
  });

  it('a missing one refuses the start, naming every missing variable at once and never a value', () => {
    const given: Record<string, string> = env();
    delete given.CALLCHART_AUDIT_KEY;
    delete given.CALLCHART_KEK_FILE;
    const message = refusal(() => sharedSecretsFromEnv('worker', given, () => true));
    expect(message).toMatch(/--role worker/);
    expect(message).toMatch(/CALLCHART_AUDIT_KEY/);
    expect(message).toMatch(/CALLCHART_KEK_FILE \(or CALLCHART_KEK_PROVIDER=vault-transit\)/);
    expect(message).not.toContain(given.CALLCHART_WEBHOOK_SECRET);
  });

  it('a key file that does not exist is refused, never created per process', () => {
    expect(refusal(() => sharedSecretsFromEnv('web', env(), () => false))).toMatch(/CALLCHART_KEK_FILE names .* does not exist.*keys init/);
  });

  it('Vault transit needs no key file', () => {
    const given: Record<string, string> = { ...env(), CALLCHART_KEK_PROVIDER: 'vault-transit' };
    delete given.CALLCHART_KEK_FILE;
    expect(sharedSecretsFromEnv('web', given, () => false).auditKey).toBe(given.CALLCHART_AUDIT_KEY);
  });

  it('a weak one is refused like any secret, naming the variable', () => {
    expect(refusal(() => sharedSecretsFromEnv('web', { ...env(), CALLCHART_STAFF_TOKEN_SECRET: 'changeme' }, () => true))).toMatch(/CALLCHART_STAFF_TOKEN_SECRET/);
  });
});
