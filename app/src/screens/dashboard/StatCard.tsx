import { Paper, Stack, Text, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

/**
 * One figure: what it is (a heading), the figure, and a line that says what it counts. The
 * figure is text, so a screen reader reads it as it is shown.
 */
export function StatCard({ title, value, detail, testId }: { title: string; value: string; detail: ReactNode; testId: string }) {
  const id = useId();
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id} data-testid={testId}>
      <Stack gap={4}>
        <Title order={3} size="h6" id={id} c="dimmed" fw={600}>
          {title}
        </Title>
        <Text fz={28} fw={700} lh={1.1} data-testid={`${testId}-value`}>
          {value}
        </Text>
        <Text size="sm" c="dimmed">
          {detail}
        </Text>
      </Stack>
    </Paper>
  );
}
