import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRoutingRulesYaml, type RoutingRules, type RoutingRulesProblem } from './routing-rules.schema.ts';

/** The bundled synthetic rules used by the demo when no rules file is configured. */
export const exampleRulesFile = fileURLToPath(new URL('./routing-rules.example.yaml', import.meta.url));

/** A rules file that was read but refused: every problem, path by path. */
export class RoutingRulesInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly RoutingRulesProblem[],
  ) {
    const lines = problems.map((problem) => `  ${problem.path}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`);
    super(`Routing rules ${file} are invalid:\n${lines.join('\n')}`);
    this.name = 'RoutingRulesInvalidError';
  }
}

/** Reads and validates the routing rules; throws with every problem listed, path by path. */
export function loadRoutingRules(file: string = exampleRulesFile): RoutingRules {
  const result = parseRoutingRulesYaml(readFileSync(file, 'utf8'));
  if (result.ok) return result.rules;
  throw new RoutingRulesInvalidError(file, result.problems);
}
