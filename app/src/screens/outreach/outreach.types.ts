/** What GET /api/outreach and POST /api/outreach/imports answer (src/outreach/outreach.routes.ts). */
export type OutreachKind = 'post-discharge' | 'no-show';

export interface OutreachEntry {
  id: string;
  kind: OutreachKind;
  source: 'ehr' | 'csv';
  patientId: string;
  queue: string;
  eventAt: string;
  reasonCode: string | null;
  barriers: string[];
  script: string[];
  callbackTaskId: string | null;
  createdAt: string;
  task: { status: string; attempts: number; escalationLevel: number; dueAt: string; overdue: boolean } | null;
}

export interface OutreachAnswer {
  queue: string;
  lists: { kind: OutreachKind; entries: number; lastRun: { finishedAt: string | null; read: number; imported: number; capped: boolean; errorCode: string | null } | null }[];
  entries: OutreachEntry[];
}

export interface ImportReport {
  importId: string;
  total: number;
  imported: number;
  alreadyImported: number;
  rejected: number;
  problems: { row: number; code: string; reason: string }[];
}

export const kindWords: Record<OutreachKind, string> = { 'post-discharge': 'After a hospital stay', 'no-show': 'Missed visit' };

export const barrierWords: Record<string, string> = {
  transport: 'Transport',
  'location-confusion': 'Finding us',
  language: 'Language',
  cost: 'Cost',
  childcare: 'Childcare or caregiving',
  'work-schedule': 'Work hours',
  technology: 'Video or portal',
};

export const taskStatusWords: Record<string, string> = {
  open: 'Not called yet',
  'in-progress': 'Being called',
  escalated: 'Escalated',
  completed: 'Done',
  'closed-unreachable': 'Could not reach',
  cancelled: 'Cancelled',
};
