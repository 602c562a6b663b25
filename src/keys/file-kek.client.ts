import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CallchartError } from '../lib/errors.ts';
import type { KeyEncryptionKeyProvider, KekVersion } from './kek-provider.ts';
import { kekIdFor, unwrapWithKek, wrapWithKek } from './kek-wrap.ts';

/** The key file: every KEK version, the current one named. Mode 0600, outside the data directory. */
const kekFileSchema = z.object({
  format: z.literal('callchart-kek/1'),
  current: z.string(),
  versions: z.array(z.object({
    id: z.string(),
    key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
    createdAt: z.string(),
    retiredAt: z.string().nullable().default(null),
  })).min(1),
});
type KekFile = z.infer<typeof kekFileSchema>;

/**
 * Where the key file is when CALLCHART_KEK_FILE is not set: the operator's config directory
 * (`$XDG_CONFIG_HOME/callchart/kek.json`, else `~/.config/callchart/kek.json`), never the data
 * directory, so a copy of the database or its backup does not carry the key that opens it.
 */
export function defaultKekFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'callchart', 'kek.json');
}

/**
 * The demo's key file: beside its data directory, not in it (`.callchart` → `.callchart.kek.json`),
 * so deleting or copying the demo's store leaves the key where it was.
 */
export function demoKekFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.kek.json`;
}

/** True when `file` is inside `dir` (or is it). */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function newVersion(): KekFile['versions'][number] {
  const key = randomBytes(32);
  return { id: kekIdFor(key), key: key.toString('base64'), createdAt: new Date().toISOString(), retiredAt: null };
}

/**
 * The file provider: KEK versions in a JSON key file. Running engines re-read the file when it
 * changed (its mtime) before wrapping, and whenever they meet a KEK id they do not know, so a
 * `callchart keys rotate` in another process takes effect without a restart.
 */
export class FileKekProvider implements KeyEncryptionKeyProvider {
  readonly kind = 'file';
  readonly location: string;
  #file: KekFile | null = null;
  #mtimeMs = -1;

  constructor(readonly file: string, options: { create?: boolean } = {}) {
    this.location = file;
    if (!existsSync(file)) {
      if (!options.create) {
        throw new CallchartError('CONFIG_INVALID', `The key file ${file} does not exist. Set CALLCHART_KEK_FILE to the key file, or create one with \`callchart keys init\`.`, { variable: 'CALLCHART_KEK_FILE' });
      }
      const version = newVersion();
      this.#write({ format: 'callchart-kek/1', current: version.id, versions: [version] });
    }
    this.#load(true);
  }

  #load(force: boolean): KekFile {
    const { mtimeMs, mode } = statSync(this.file);
    if (!force && this.#file && mtimeMs === this.#mtimeMs) return this.#file;
    if ((mode & 0o077) !== 0) {
      throw new CallchartError('CONFIG_INVALID', `The key file ${this.file} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it.`, { variable: 'CALLCHART_KEK_FILE' });
    }
    const parsed = kekFileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success || !parsed.data.versions.some((version) => version.id === parsed.data.current)) {
      throw new CallchartError('CONFIG_INVALID', `The key file ${this.file} is not a Callchart key file (format callchart-kek/1 with its current version listed).`, { variable: 'CALLCHART_KEK_FILE' });
    }
    this.#file = parsed.data;
    this.#mtimeMs = mtimeMs;
    return parsed.data;
  }

  /** Atomic replace (write, then rename) so a reader never sees half a file. */
  #write(contents: KekFile): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
    this.#file = contents;
    this.#mtimeMs = statSync(this.file).mtimeMs;
  }

  async currentKekId(): Promise<string> {
    return this.#load(false).current;
  }

  async wrap(dataKey: Buffer, dataKeyId: string): Promise<{ kekId: string; wrapped: Buffer }> {
    const file = this.#load(false);
    const current = file.versions.find((version) => version.id === file.current)!;
    return { kekId: current.id, wrapped: wrapWithKek(Buffer.from(current.key, 'base64'), dataKey, dataKeyId) };
  }

  async unwrap(wrapped: Buffer, kekId: string, dataKeyId: string): Promise<Buffer> {
    let version = this.#load(false).versions.find((candidate) => candidate.id === kekId);
    // Rotated by another process since we last read the file.
    version ??= this.#load(true).versions.find((candidate) => candidate.id === kekId);
    return unwrapWithKek(version ? Buffer.from(version.key, 'base64') : undefined, kekId, wrapped, dataKeyId);
  }

  async rotate(): Promise<{ previousKekId: string; kekId: string }> {
    const file = this.#load(true);
    const version = newVersion();
    this.#write({ ...file, current: version.id, versions: [...file.versions, version] });
    return { previousKekId: file.current, kekId: version.id };
  }

  async versions(): Promise<KekVersion[]> {
    const file = this.#load(false);
    return file.versions.map(({ key: _key, ...version }) => ({ ...version, current: version.id === file.current }));
  }

  async retire(kekId: string): Promise<void> {
    const file = this.#load(true);
    if (kekId === file.current) return;
    this.#write({ ...file, versions: file.versions.map((version) => (version.id === kekId && !version.retiredAt ? { ...version, retiredAt: new Date().toISOString() } : version)) });
  }
}
