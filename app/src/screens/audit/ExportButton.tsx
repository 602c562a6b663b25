import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { inWords } from '../../api/messages';
import { useSession } from '../../shell/session';
import { useStepUp } from '../../shell/step-up';
import { fetchSignedExport } from './audit-api';
import type { TrailSearch } from './audit-types';

/** Saves `text` as a file the browser downloads. */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The search (or a call's timeline) as a signed file, after the person confirms it is them. The
 * engine signs it with the audit key (verify with `callchart audit verify-export FILE`) and puts
 * the export itself in the trail.
 */
export function ExportButton({ search, label, fileName }: { search: TrailSearch; label: string; fileName: string }) {
  const { info, me } = useSession();
  const stepUp = useStepUp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      // A session that has not confirmed lately is asked first, rather than after a refused request.
      let askFirst = !me.session.steppedUpUntil || Date.parse(me.session.steppedUpUntil) <= Date.now();
      const text = await stepUp('export', () => {
        if (askFirst) {
          askFirst = false;
          return Promise.reject(new ApiError(401, 'STEP_UP_REQUIRED', inWords('STEP_UP_REQUIRED')));
        }
        return fetchSignedExport(search, info.clinic.timeZone);
      });
      if (text === null) return;
      const count = Math.max(0, text.trimEnd().split('\n').length - 1);
      download(text, fileName);
      notifications.show({ color: 'green', title: 'Signed export saved', message: `${count} events, signed with the audit key. The export is recorded in the audit trail.` });
      await queryClient.invalidateQueries({ queryKey: ['audit'] });
    } catch (error) {
      notifications.show({ color: 'red', title: 'The export did not work', message: error instanceof ApiError ? error.words : 'Try again; if it keeps happening, tell your administrator.' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outline" onClick={() => void run()} loading={busy}>
      {label}
    </Button>
  );
}
