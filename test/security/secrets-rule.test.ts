import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertStrongSecret, dataKeySpec, resolveSecret, secretWeakness, staffTokenSecretSpec, twilioAuthTokenSpec, webhookSecretSpec,
} from '../../src/engine/secrets.ts';

/**
 * Finding 1, the rule for every secret, as one validator (the CLI behaviour is in
 * secrets-serve.test.ts): at least 32 random bytes of key material, no placeholders, no patterns;
 * real Twilio tokens (32 hex characters) pass; generated trial secrets always pass.
 */

const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-sec-rule-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the secret strength rule', () => {
  it('passes every generated trial secret and real-format Twilio tokens (1,000 draws each)', () => {
    for (const spec of [webhookSecretSpec, dataKeySpec, staffTokenSecretSpec, twilioAuthTokenSpec]) {
      for (let draw = 0; draw < 1_000; draw += 1) expect(secretWeakness(spec.generate(), spec.kind), spec.envVar).toBeNull();
    }
    expect(Buffer.from(webhookSecretSpec.generate().slice('whsec_'.length), 'base64url').byteLength).toBe(32);
    for (let draw = 0; draw < 1_000; draw += 1) expect(secretWeakness(randomBytes(16).toString('hex'), 'twilio-auth-token')).toBeNull();
  });

  it.each([
    ['webhook-secret', ''],
    ['webhook-secret', `whsec_${randomBytes(24).toString('base64url')}`],
    ['webhook-secret', randomBytes(31).toString('hex')],
    ['webhook-secret', 'whsec_changeme0123456789abcdefghijklmnopqrstuv'],
    ['webhook-secret', 'abcdefgh'.repeat(8)],
    ['webhook-secret', `whsec_${'0'.repeat(64)}`],
    ['base64-key', randomBytes(31).toString('base64')],
    ['base64-key', 'not base64 at all, even though it is long enough!!'],
    ['base64-key', Buffer.alloc(48, 7).toString('base64')],
    ['data-key', randomBytes(48).toString('base64')],
    ['twilio-auth-token', ''],
    ['twilio-auth-token', 'abcd1234'],
    ['twilio-auth-token', 'a'.repeat(32)],
    ['twilio-auth-token', 'password-password-password-pass!'],
  ] as const)('refuses a %s like %#', (kind, value) => {
    expect(secretWeakness(value, kind)).not.toBeNull();
    expect(() => assertStrongSecret('SOME_VARIABLE', value, kind)).toThrow(/SOME_VARIABLE/);
    if (value) {
      try {
        assertStrongSecret('SOME_VARIABLE', value, kind);
      } catch (error) {
        expect((error as Error).message).not.toContain(value);
      }
    }
  });

  it('demo replaces a weak stored trial secret and says why; serve refuses it; a weak env value is refused by both', () => {
    const dataDir = path.join(scratch, 'stored');
    mkdirSync(path.join(dataDir, 'secrets'), { recursive: true });
    const file = path.join(dataDir, 'secrets', webhookSecretSpec.file);
    const old = `whsec_${randomBytes(24).toString('base64url')}`;
    writeFileSync(file, `${old}\n`);
    const saved = process.env.CALLCHART_WEBHOOK_SECRET;
    delete process.env.CALLCHART_WEBHOOK_SECRET;
    try {
      expect(() => resolveSecret({ ...webhookSecretSpec, dataDir, whenStoredIsWeak: 'refuse' })).toThrow(/webhook-secret.*CALLCHART_WEBHOOK_SECRET/s);
      expect(readFileSync(file, 'utf8').trim()).toBe(old);
      const replaced = resolveSecret({ ...webhookSecretSpec, dataDir, whenStoredIsWeak: 'regenerate' });
      expect(replaced).toMatchObject({ source: 'regenerated', replaced: expect.stringMatching(/24 bytes/) });
      expect(readFileSync(file, 'utf8').trim()).toBe(replaced.value);
      expect(resolveSecret({ ...webhookSecretSpec, dataDir, whenStoredIsWeak: 'refuse' })).toEqual({ value: replaced.value, source: 'file' });

      process.env.CALLCHART_WEBHOOK_SECRET = 'whsec_short';
      for (const whenStoredIsWeak of ['refuse', 'regenerate'] as const) {
        expect(() => resolveSecret({ ...webhookSecretSpec, dataDir, whenStoredIsWeak })).toThrow(/CALLCHART_WEBHOOK_SECRET/);
      }
    } finally {
      if (saved === undefined) delete process.env.CALLCHART_WEBHOOK_SECRET;
      else process.env.CALLCHART_WEBHOOK_SECRET = saved;
    }
  });
});
