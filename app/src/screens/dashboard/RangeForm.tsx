import { Button, Group, TextInput } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { addDays, rangeProblem } from './date-range';

/**
 * The date range: two native date inputs (the clinic's calendar days, both included) and quick
 * choices. A range is applied when the person asks for it, not on every keystroke in a date field.
 */
export function RangeForm({ from, to, today, onChange }: { from: string; to: string; today: string; onChange: (range: { from: string; to: string }) => void }) {
  const [draft, setDraft] = useState({ from, to });
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setDraft({ from, to }), [from, to]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = rangeProblem(draft.from, draft.to);
    setProblem(found);
    if (!found) onChange(draft);
  };
  const last = (days: number) => {
    setProblem(null);
    onChange({ from: addDays(today, -(days - 1)), to: today });
  };

  return (
    <form onSubmit={submit} aria-label="Date range">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput type="date" label="First day" value={draft.from} max={draft.to || today} onChange={(event) => setDraft({ ...draft, from: event.currentTarget.value })} error={problem ? true : undefined} w={170} />
        <TextInput type="date" label="Last day" value={draft.to} min={draft.from} onChange={(event) => setDraft({ ...draft, to: event.currentTarget.value })} error={problem ?? undefined} w={170} />
        <Button type="submit">Show</Button>
        <Group gap="xs" wrap="wrap">
          <Button variant="default" onClick={() => last(7)}>
            Last 7 days
          </Button>
          <Button variant="default" onClick={() => last(30)}>
            Last 30 days
          </Button>
          <Button variant="default" onClick={() => last(90)}>
            Last 90 days
          </Button>
        </Group>
      </Group>
    </form>
  );
}
