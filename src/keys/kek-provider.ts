/**
 * The key-encryption key (KEK) side of envelope encryption (SE-1). Content is sealed under data
 * keys; a data key is stored only wrapped by a KEK, and the KEK never enters the database. A
 * provider holds the KEK versions somewhere else (a key file, Vault transit, a cloud KMS) and does
 * three things: say which version wraps new data keys, wrap, and unwrap by version.
 */
export interface KeyEncryptionKeyProvider {
  /** `file`, `vault-transit`, `memory`: for status output and start-up messages. */
  readonly kind: string;
  /** Where the KEK lives, without secrets (a path, a Vault key name). */
  readonly location: string;
  /** The version new data keys are wrapped under. */
  currentKekId(): Promise<string>;
  /**
   * Wraps a data key under the current KEK. `dataKeyId` is bound to the result where the provider
   * can (AES-GCM additional data), so a wrapped key copied onto another row does not open.
   */
  wrap(dataKey: Buffer, dataKeyId: string): Promise<{ kekId: string; wrapped: Buffer }>;
  /** Unwraps with the version that wrapped it; a version the provider does not have → KEK_UNKNOWN. */
  unwrap(wrapped: Buffer, kekId: string, dataKeyId: string): Promise<Buffer>;
  /** Makes a new KEK version current (returns its id). New data keys are wrapped under it at once. */
  rotate(): Promise<{ previousKekId: string; kekId: string }>;
  /** Every version the provider knows, newest last. */
  versions(): Promise<KekVersion[]>;
  /** Marks a version retired: nothing is wrapped under it any more (re-wrap finished). */
  retire(kekId: string): Promise<void>;
}

export interface KekVersion {
  id: string;
  createdAt: string;
  retiredAt: string | null;
  current: boolean;
}
