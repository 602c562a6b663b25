import { Button, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import type { RefObject } from 'react';
import { clinicTime } from '../../shell/format';
import type { NoteField, ReviewNote } from './types';
import { fieldWords, requestTypeInWords, requestTypes, urgencyWords } from './words';

/** A local date-time input value (YYYY-MM-DDTHH:mm) for an ISO instant, in the browser's zone. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

interface NoteFormProps {
  note: ReviewNote;
  readOnly: boolean;
  evidenceCount: Partial<Record<NoteField, number>>;
  timeZone: string;
  onChange: (field: NoteField, value: string | null) => void;
  onFocusField: (field: NoteField | null) => void;
  firstField: RefObject<HTMLTextAreaElement | null>;
}

/** The summary fields and the chart note; each field says how many transcript passages back it (highlighted on focus). */
export function NoteForm({ note, readOnly, evidenceCount, timeZone, onChange, onFocusField, firstField }: NoteFormProps) {
  const describe = (field: NoteField) => {
    const count = evidenceCount[field] ?? 0;
    return count ? `Evidence: ${count} ${count === 1 ? 'passage' : 'passages'} in the transcript` : undefined;
  };
  const focus = (field: NoteField) => ({ onFocus: () => onFocusField(field), 'data-field': field });
  if (readOnly) {
    const shown: [NoteField, string][] = [
      ['reasonForCall', requestTypeInWords(note.reasonForCall)],
      ['urgency', urgencyWords[note.urgency] ?? note.urgency],
      ['details', note.details || '—'],
      ['actionRequested', note.actionRequested || '—'],
      ['nextStep', note.nextStep || '—'],
      ['owner', note.owner || '—'],
      ['followUpDue', clinicTime(note.followUpDue, timeZone, true)],
      ['note', note.note || '—'],
    ];
    return (
      <Stack gap="xs" data-testid="note-read-only">
        {shown.map(([field, value]) => (
          <div key={field} data-field={field}>
            <Text size="xs" c="dimmed">
              {fieldWords[field]}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {value}
            </Text>
          </div>
        ))}
      </Stack>
    );
  }
  return (
    <Stack gap="sm" data-testid="note-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <NativeSelect label={fieldWords.reasonForCall} description={describe('reasonForCall')} value={note.reasonForCall} onChange={(event) => onChange('reasonForCall', event.currentTarget.value)} data={requestTypes.map((value) => ({ value, label: requestTypeInWords(value) }))} {...focus('reasonForCall')} />
        <NativeSelect label={fieldWords.urgency} description={describe('urgency')} value={note.urgency} onChange={(event) => onChange('urgency', event.currentTarget.value)} data={Object.entries(urgencyWords).map(([value, label]) => ({ value, label }))} {...focus('urgency')} />
      </SimpleGrid>
      <Textarea ref={firstField} label={fieldWords.details} description={describe('details')} autosize minRows={2} value={note.details} onChange={(event) => onChange('details', event.currentTarget.value)} {...focus('details')} />
      <Textarea label={fieldWords.actionRequested} description={describe('actionRequested')} autosize minRows={1} value={note.actionRequested} onChange={(event) => onChange('actionRequested', event.currentTarget.value)} {...focus('actionRequested')} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label={fieldWords.nextStep} value={note.nextStep} onChange={(event) => onChange('nextStep', event.currentTarget.value)} {...focus('nextStep')} />
        <TextInput label={fieldWords.owner} value={note.owner} onChange={(event) => onChange('owner', event.currentTarget.value)} {...focus('owner')} />
      </SimpleGrid>
      <TextInput
        label={`${fieldWords.followUpDue} (your computer’s time)`}
        type="datetime-local"
        value={localInput(note.followUpDue)}
        onChange={(event) => onChange('followUpDue', event.currentTarget.value ? new Date(event.currentTarget.value).toISOString() : null)}
        {...focus('followUpDue')}
      />
      <Textarea label={fieldWords.note} description="The note as it will read in the chart. It follows the fields until you write it yourself." autosize minRows={3} value={note.note} onChange={(event) => onChange('note', event.currentTarget.value)} {...focus('note')} />
    </Stack>
  );
}

export function SaveBar({ dirty, saving, onSave, onDiscard }: { dirty: boolean; saving: boolean; onSave: () => void; onDiscard: () => void }) {
  if (!dirty) return null;
  return (
    <Group gap="xs">
      <Button size="xs" onClick={onSave} loading={saving}>
        Save changes
      </Button>
      <Button size="xs" variant="default" onClick={onDiscard}>
        Discard changes
      </Button>
    </Group>
  );
}
