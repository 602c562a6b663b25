import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { exampleQueuePolicyFile } from '../consent/queue-policy.loader.ts';
import { parseQueuePolicyYaml } from '../consent/queue-policy.schema.ts';
import type { YamlProblem } from '../lib/yaml-document.ts';
import { exampleRulesFile } from '../routing/routing-rules.loader.ts';
import { parseRoutingRulesYaml } from '../routing/routing-rules.schema.ts';
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

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read (${code ?? 'error'})`;
}

/**
 * Reads and validates a config file. Files it names (`routing.rulesFile`, `policy.file`) are
 * resolved against the config file's folder, so a config and its rules travel together whatever
 * the working directory of the process that reads them.
 */
export function loadConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: file, message: readProblem(error) }] };
  }
  const result = parseConfigText(text);
  if (!result.ok) return result;
  const folder = path.dirname(path.resolve(file));
  const resolve = (name: string | undefined) => (name === undefined ? undefined : path.resolve(folder, name));
  const { config } = result;
  return {
    ok: true,
    config: {
      ...config,
      routing: { ...config.routing, rulesFile: resolve(config.routing.rulesFile) },
      policy: { ...config.policy, file: resolve(config.policy.file) },
    },
  };
}

/** A file the config names, as `config check` found it. */
export interface ReferencedFile {
  /** The config key that names it. */
  key: 'routing.rulesFile' | 'policy.file';
  /** Absolute path; the bundled synthetic example when the config names none. */
  file: string;
  bundledExample: boolean;
}

export type ConfigCheckResult = { ok: true; config: CallchartConfig; files: ReferencedFile[] } | { ok: false; problems: ConfigProblem[] };

const referencedFiles = [
  { key: 'routing.rulesFile', what: 'routing rules', of: (config: CallchartConfig) => config.routing.rulesFile, example: exampleRulesFile, parse: parseRoutingRulesYaml },
  { key: 'policy.file', what: 'queue policy', of: (config: CallchartConfig) => config.policy.file, example: exampleQueuePolicyFile, parse: parseQueuePolicyYaml },
] as const;

function describeFileProblem(file: string, problem: YamlProblem): string {
  const where = problem.path === '(yaml)' ? '' : ` ${problem.path}`;
  return `${file}${problem.line ? ` line ${problem.line}` : ''}${where}: ${problem.message.split('\n')[0]}`;
}

/**
 * What `config check`, `serve` and `demo` ask before starting anything: the config, and every file
 * it names read and validated exactly as the engine will read it at start-up. Every problem is
 * reported, each under the config key that names the file.
 */
export function checkConfigFile(file: string): ConfigCheckResult {
  const loaded = loadConfigFile(file);
  if (!loaded.ok) return loaded;
  const problems: ConfigProblem[] = [];
  const files: ReferencedFile[] = [];
  for (const reference of referencedFiles) {
    const named = reference.of(loaded.config);
    const target = named ?? reference.example;
    let text: string;
    try {
      text = readFileSync(target, 'utf8');
    } catch (error) {
      problems.push({ path: reference.key, message: `the ${reference.what} file ${target} is ${readProblem(error)}` });
      continue;
    }
    const parsed = reference.parse(text);
    if (parsed.ok) files.push({ key: reference.key, file: target, bundledExample: named === undefined });
    else for (const problem of parsed.problems) problems.push({ path: reference.key, message: `invalid ${reference.what} in ${describeFileProblem(target, problem)}` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: loaded.config, files };
}
