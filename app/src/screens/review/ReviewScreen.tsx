import { Title } from '@mantine/core';

/** Placeholder until the screen is built (issue 14). */
export default function ReviewScreen() {
  return <Title order={1} size="h3">ReviewScreen</Title>;
}
