import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRoutingRulesYaml, type RoutingRules } from './routing-rules.schema.ts';

/** The bundled synthetic rules used by the demo when no rules file is configured. */
export const exampleRulesFile = fileURLToPath(new URL('./routing-rules.example.yaml', import.meta.url));

/** Reads and validates the routing rules; throws with every problem listed, path by path. */
export function loadRoutingRules(file: string = exampleRulesFile): RoutingRules {
  const result = parseRoutingRulesYaml(readFileSync(file, 'utf8'));
  if (result.ok) return result.rules;
  const lines = result.problems.map((problem) => `  ${problem.path}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`);
  throw new Error(`Routing rules ${file} are invalid:\n${lines.join('\n')}`);
}
