import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, read } from '../../api/client';
import type { CallTimelineAnswer, TrailPage, TrailSearch, Verification } from './audit-types';
import { clinicDayStart } from './audit-time';

/** The engine's query for a search: clinic days become instants; empty fields are left out. */
export function engineQuery(search: TrailSearch, timeZone: string) {
  const from = clinicDayStart(search.fromDate, timeZone);
  const to = clinicDayStart(search.toDate, timeZone, 1);
  return {
    ...(search.callId ? { callId: search.callId } : {}),
    ...(search.patientRef ? { patientRef: search.patientRef } : {}),
    ...(search.actor ? { actor: search.actor } : {}),
    ...(search.action ? { action: search.action } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** The trail, newest first, a page at a time ("Show older events" loads the next). */
export function useTrail(search: TrailSearch, timeZone: string) {
  const query = engineQuery(search, timeZone);
  return useInfiniteQuery({
    queryKey: ['audit', 'events', query],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      read<TrailPage>(api.GET('/api/audit/events', { params: { query: { ...query, limit: 50, ...(pageParam ? { beforeSeq: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextBeforeSeq,
  });
}

export function useCallTimeline(callId: string) {
  return useQuery({
    queryKey: ['audit', 'timeline', callId],
    queryFn: () => read<CallTimelineAnswer>(api.GET('/api/audit/calls/{id}/timeline', { params: { path: { id: callId } } })),
  });
}

export function useVerification() {
  return useQuery({
    queryKey: ['audit', 'verification'],
    queryFn: () => read<Verification>(api.GET('/api/audit/verification')),
  });
}

/** The signed export file's text (after step-up; the caller wraps it in useStepUp). */
export function fetchSignedExport(search: TrailSearch, timeZone: string): Promise<string> {
  return read<string>(
    api.GET('/api/audit/export', { params: { query: engineQuery(search, timeZone) }, parseAs: 'text' }).then((typed) => {
      // A refusal comes back as text too: its JSON carries the code (STEP_UP_REQUIRED asks for a confirmation).
      const answer = typed as { data?: unknown; error?: unknown; response: Response };
      if (answer.response.ok || typeof answer.error !== 'string') return answer;
      try {
        return { ...answer, error: JSON.parse(answer.error) as unknown };
      } catch {
        return answer;
      }
    }),
  );
}
