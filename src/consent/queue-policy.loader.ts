import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeYamlProblems } from '../lib/yaml-document.ts';
import { parseQueuePolicyYaml, type QueuePolicy } from './queue-policy.schema.ts';

/** The bundled synthetic policy used by the demo when no policy file is configured. */
export const exampleQueuePolicyFile = fileURLToPath(new URL('./queue-policy.example.yaml', import.meta.url));

/** Reads and validates a queue policy file; throws with every problem listed, path by path. */
export function loadQueuePolicy(file: string = exampleQueuePolicyFile): QueuePolicy {
  const result = parseQueuePolicyYaml(readFileSync(file, 'utf8'));
  if (result.ok) return result.value;
  throw new Error(describeYamlProblems(`Queue policy ${file} is`, result.problems));
}
