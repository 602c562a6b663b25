import { BarChart } from '@mantine/charts';
import { Box, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Empty } from '../../shell/states';
import { cellText, cellValue, isHidden, type Cell } from './dashboard.types';

export interface ChartRow { label: string; value: Cell }

/**
 * A chart with its heading, a one-line explanation, the same numbers as a table (the accessible
 * alternative: the drawing itself is hidden from screen readers), and an empty state in words.
 */
export function ChartSection(props: {
  title: string; explanation: string; rows: ChartRow[]; valueName: string; labelName: string; empty: boolean; emptyText?: string;
  horizontal?: boolean; testId: string; deidentified: boolean;
}) {
  const headingId = useId();
  const explanationId = useId();
  const { rows, valueName } = props;
  const anyHidden = rows.some((row) => isHidden(row.value));
  // Every bar hidden or empty (the analyst's small ranges): words instead of an empty drawing.
  const nothingToDraw = anyHidden && rows.every((row) => isHidden(row.value) || row.value === 0);
  const data = rows.map((row) => ({ label: row.label, [valueName]: cellValue(row.value) }));
  const height = props.horizontal ? Math.max(160, rows.length * 36 + 40) : 240;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={headingId} aria-describedby={explanationId} data-testid={props.testId}>
      <Stack gap="xs">
        <Title order={2} size="h4" id={headingId}>
          {props.title}
        </Title>
        <Text size="sm" c="dimmed" id={explanationId}>
          {props.explanation}
        </Text>
        {props.empty ? (
          <Empty title={props.emptyText ?? 'No calls in this range'}>Choose other days above, or check back once calls come in.</Empty>
        ) : (
          <>
            {nothingToDraw ? (
              <Text size="sm" data-testid={`${props.testId}-all-small`}>
                Each of these had fewer than 5 calls in this range, so there is nothing to draw without pointing at a caller. The table below lists them.
              </Text>
            ) : null}
            {/* Hidden overflow: a chart drawn for a wider window never widens the page while it redraws (390 px). */}
            <Box aria-hidden style={{ overflow: 'hidden', minWidth: 0 }} display={nothingToDraw ? 'none' : undefined}>
              <BarChart
                h={height}
                data={data}
                dataKey="label"
                orientation={props.horizontal ? 'vertical' : 'horizontal'}
                series={[{ name: valueName, color: 'blue.8', label: valueName }]}
                withTooltip={false}
                tickLine="none"
                gridAxis={props.horizontal ? 'x' : 'y'}
                barChartProps={{ accessibilityLayer: false }}
                {...(props.horizontal ? { yAxisProps: { width: 150 } } : { xAxisProps: { interval: 'preserveStartEnd' as const, minTickGap: 4 } })}
              />
            </Box>
            {props.deidentified && anyHidden && !nothingToDraw ? (
              <Text size="xs" c="dimmed">
                Bars for fewer than 5 calls are drawn empty; the table gives them as “fewer than 5”.
              </Text>
            ) : null}
            <details>
              <summary>
                <Text span size="sm">
                  {props.title}: the numbers as a table
                </Text>
              </summary>
              <Table.ScrollContainer minWidth={0}>
                <Table striped withTableBorder mt="xs" data-testid={`${props.testId}-table`}>
                  <Table.Caption>{props.title}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{props.labelName}</Table.Th>
                      <Table.Th scope="col">{valueName}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((row) => (
                      <Table.Tr key={row.label}>
                        <Table.Th scope="row" fw={400}>
                          {row.label}
                        </Table.Th>
                        <Table.Td>{cellText(row.value)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </details>
          </>
        )}
      </Stack>
    </Paper>
  );
}
