import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { configSchema, type CallchartConfig } from './config.schema.ts';

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: CallchartConfig } | { ok: false; problems: ConfigProblem[] };

/** Parses and validates YAML text; reports every problem with its path, not just the first. */
export function parseConfigText(text: string): ConfigResult {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}:${error.linePos[0].col}` : '(yaml)',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    };
  }
  const raw: unknown = document.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
        message: issue.message,
      })),
    };
  }
  return { ok: true, config: result.data };
}

export function loadConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: file, message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})` }] };
  }
  return parseConfigText(text);
}
