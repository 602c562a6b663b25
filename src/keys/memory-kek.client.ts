import { randomBytes } from 'node:crypto';
import type { KeyEncryptionKeyProvider, KekVersion } from './kek-provider.ts';
import { kekIdFor, unwrapWithKek, wrapWithKek } from './kek-wrap.ts';

/**
 * A KEK held in this process only: for in-memory trials and tests with no key file. Whatever it
 * wrapped cannot be opened after the process ends (like the ephemeral audit key).
 */
export function createMemoryKekProvider(): KeyEncryptionKeyProvider {
  const versions: Array<KekVersion & { key: Buffer }> = [];
  const add = () => {
    const key = randomBytes(32);
    for (const version of versions) version.current = false;
    versions.push({ id: kekIdFor(key), key, createdAt: new Date().toISOString(), retiredAt: null, current: true });
    return versions.at(-1)!;
  };
  add();
  const current = () => versions.find((version) => version.current)!;
  return {
    kind: 'memory',
    location: 'this process only',
    async currentKekId() {
      return current().id;
    },
    async wrap(dataKey, dataKeyId) {
      const kek = current();
      return { kekId: kek.id, wrapped: wrapWithKek(kek.key, dataKey, dataKeyId) };
    },
    async unwrap(wrapped, kekId, dataKeyId) {
      return unwrapWithKek(versions.find((version) => version.id === kekId)?.key, kekId, wrapped, dataKeyId);
    },
    async rotate() {
      const previousKekId = current().id;
      return { previousKekId, kekId: add().id };
    },
    async versions() {
      return versions.map(({ key: _key, ...version }) => version);
    },
    async retire(kekId) {
      const version = versions.find((candidate) => candidate.id === kekId);
      if (version && !version.current) version.retiredAt ??= new Date().toISOString();
    },
  };
}
