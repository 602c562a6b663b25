import { Paper, Text } from '@mantine/core';

/** Shown on every screen when the engine runs on the demo's synthetic data. */
export function DemoBanner() {
  return (
    <Paper role="note" aria-label="Demo data" radius={0} px="md" py={6} bg="orange.2" c="dark.9">
      <Text size="sm" fw={600} ta="center">
        Demo: every patient, call and chart here is synthetic. Do not enter real patient information.
      </Text>
    </Paper>
  );
}
