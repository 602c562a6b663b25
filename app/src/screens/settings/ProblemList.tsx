import { Alert, List, Text } from '@mantine/core';
import type { SettingsProblem } from './settings-types';

/** Every problem the config file's schema found, each with where it is (field path and line). */
export function ProblemList({ problems }: { problems: SettingsProblem[] }) {
  return (
    <Alert color="red" variant="light" title={problems.length === 1 ? 'One thing needs fixing before this can be saved' : `${problems.length} things need fixing before this can be saved`} role="alert">
      <List size="sm" spacing={4}>
        {problems.map((problem, index) => (
          <List.Item key={`${problem.path}-${index}`}>
            <Text span size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {problem.path === '(yaml)' ? 'The YAML itself' : problem.path === '(root)' ? 'The whole document' : `Field ${problem.path}`}
              {problem.line ? ` (line ${problem.line})` : ''}:
            </Text>{' '}
            <Text span size="sm" style={{ overflowWrap: 'anywhere' }}>
              {problem.message}
            </Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
