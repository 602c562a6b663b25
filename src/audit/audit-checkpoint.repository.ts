import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { serializeCheckpoint, type AuditCheckpoint, type CheckpointSink } from './audit-checkpoint.ts';

/**
 * The default checkpoint sink: one JSON line per checkpoint in a file opened O_APPEND, mode 0600,
 * fsynced before `append` returns. Outside the database, so a database owner cannot take a
 * checkpoint back; on the same machine, so a machine owner can. Trials keep it in the data
 * directory; production points the engine at WORM storage instead (ADR 11). On Linux,
 * `chattr +a` on this file makes the kernel refuse anything but appends, even to its owner.
 *
 * O_APPEND makes each line one atomic append: several engines sharing the file cannot interleave
 * their lines (each line is written with a single write call).
 */
export class FileCheckpointSink implements CheckpointSink {
  private handle: Promise<FileHandle> | null = null;

  constructor(readonly file: string) {}

  get label(): string {
    return this.file;
  }

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    if (!this.handle) {
      this.handle = this.openForAppend();
      // A failed open (disk full, permissions) is retried on the next checkpoint.
      this.handle.catch(() => (this.handle = null));
    }
    const handle = await this.handle;
    await handle.write(`${serializeCheckpoint(checkpoint)}\n`);
    await handle.datasync();
  }

  async readLines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await (await handle)?.close();
  }

  private async openForAppend(): Promise<FileHandle> {
    const directory = path.dirname(this.file);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const existed = await stat(this.file).then(() => true, () => false);
    const handle = await open(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    await chmod(this.file, 0o600);
    const { size } = await handle.stat();
    if (size > 0) {
      // A crash mid-write leaves a line without its newline: end it, so the next line stays readable.
      const tail = Buffer.alloc(1);
      const reader = await open(this.file, 'r');
      try {
        await reader.read(tail, 0, 1, size - 1);
      } finally {
        await reader.close();
      }
      if (tail[0] !== 0x0a) await handle.write('\n');
    }
    if (!existed) {
      // The new file's directory entry must survive a crash too.
      const dir = await open(directory, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
    return handle;
  }
}
