import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve('bin/callchart.js');

/** Runs `callchart analyze --now <now> …args` with `input` on stdin; returns the exit code, the parsed output lines and stderr. */
export async function runAnalyze(input: string, args: string[] = [], now = '2026-11-23T09:00:00Z'): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'analyze', '--now', now, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, lines: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), stderr };
}
