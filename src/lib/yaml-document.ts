import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/**
 * Clinic-edited YAML (routing rules, queue policies) read through one zod schema: every problem is
 * reported with its dotted path and line, in file order, never just the first, so the IT lead can
 * fix a file in one pass.
 */
export interface YamlProblem {
  /** Dotted path into the YAML, e.g. `rules.3.to`; `(yaml)` for a syntax error, `(root)` for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the YAML text, when the path points at something that is there. */
  line?: number;
}

export type ParseYamlResult<T> = { ok: true; value: T } | { ok: false; problems: YamlProblem[] };

export function parseYamlWithSchema<S extends z.ZodType>(text: string, schema: S): ParseYamlResult<z.infer<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({ path: '(yaml)', message: error.message, line: lineCounter.linePos(error.pos[0]).line })),
    };
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue): YamlProblem => {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? key.toString() : key));
    const line = lineOf(doc, lineCounter, path);
    return { path: path.length ? path.join('.') : '(root)', message: issue.message, ...(line ? { line } : {}) };
  });
  // In file order, as the IT lead will fix them; problems without a line last.
  problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return { ok: false, problems };
}

/** Problems as the lines a CLI or startup error prints. */
export function describeYamlProblems(what: string, problems: readonly YamlProblem[]): string {
  const lines = problems.map((problem) => `  ${problem.path}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`);
  return `${what} invalid:\n${lines.join('\n')}`;
}

/**
 * The audited version of a configuration document: sha256 over its canonical JSON (RFC 8785), so
 * reordering keys in the YAML keeps the version and any change to what it does changes it.
 */
export function documentVersion(value: unknown): string {
  return createHash('sha256')
    .update(canonicalize(value) ?? '')
    .digest('hex');
}

function lineOf(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  // A missing key has no node: point at the nearest thing that is there.
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}
