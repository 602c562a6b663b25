import path from 'node:path';
import { generateEhrKey, publicJwksOfSet, retireOldKeys, withNewKey, type EhrKeySet } from '../ehr/ehr-client-keys.ts';
import { ehrKeysFileFor, readEhrKeySet, writeEhrKeySet } from '../ehr/ehr-client-keys.repository.ts';
import type { AssertionAlgorithm } from '../ehr/smart-auth.ts';
import { isCallchartError } from '../lib/errors.ts';
import { refuseStart } from './start-checks.ts';

export interface KeysEhrOptions {
  dataDir: string;
  keysFile?: string;
  alg: AssertionAlgorithm;
  rotate?: boolean;
  retire?: boolean;
  /** Print the public JWKS (what /.well-known/jwks.json serves) instead of the summary. */
  jwks?: boolean;
}

/**
 * `callchart keys ehr` (issue 13, item 7): the SMART Backend Services key pair the engine signs its
 * client assertions with. First run: a new key. `--rotate`: a new key signs from now on (a running
 * engine picks it up at its next token request), the previous one stays published until
 * `--retire`. Private keys never reach the terminal: only kids, algorithms and the public JWKS.
 */
export async function runKeysEhr(options: KeysEhrOptions): Promise<void> {
  const file = path.resolve(options.keysFile ?? ehrKeysFileFor(options.dataDir)!);
  let set: EhrKeySet | null;
  try {
    set = readEhrKeySet(file);
  } catch (error) {
    refuseStart(isCallchartError(error) ? error.message : `${file} cannot be read.`);
  }
  if (options.rotate && options.retire) refuseStart('Choose one: --rotate (a new key signs) or --retire (drop the keys that no longer sign).');
  let change: string;
  if (options.retire) {
    if (!set) refuseStart(`No EHR key set at ${file}: run callchart keys ehr first.`);
    const { set: kept, retired } = retireOldKeys(set);
    if (retired.length > 0) writeEhrKeySet(file, kept);
    set = kept;
    change = retired.length ? `Retired ${retired.join(', ')}: no longer in the JWKS. Only do this once the EHR has taken a token signed with the new key.` : 'Nothing to retire: only the signing key is published.';
  } else if (options.rotate || !set) {
    if (options.rotate && !set) refuseStart(`No EHR key set at ${file} to rotate: run callchart keys ehr first.`);
    const key = await generateEhrKey(options.alg, new Date());
    set = withNewKey(set, key);
    writeEhrKeySet(file, set);
    change = options.rotate
      ? `New ${options.alg} key ${key.privateJwk.kid} signs from now on; the previous key stays in the JWKS until you run callchart keys ehr --retire.`
      : `Created a ${options.alg} key ${key.privateJwk.kid}.`;
  } else {
    change = 'No change (use --rotate for a new key, --retire to drop keys that no longer sign).';
  }
  if (options.jwks) {
    console.log(JSON.stringify(publicJwksOfSet(set), null, 2));
    return;
  }
  console.log(change);
  console.log(`Key set: ${file} (mode 0600; keep it out of backups of the database, like every secret).`);
  for (const [index, key] of set.keys.entries()) {
    console.log(`  ${key.privateJwk.kid}  ${key.privateJwk.alg}  created ${key.createdAt}  ${index === 0 ? 'signs' : 'published until retired'}`);
  }
  console.log('The EHR fetches the public keys from https://<your Callchart host>/.well-known/jwks.json: register that URL as the client\'s JWK Set URL.');
  console.log('The engine uses this key set when EHR_CLIENT_ID and EHR_TOKEN_URL are set and EHR_CLIENT_PRIVATE_JWK is not.');
}
