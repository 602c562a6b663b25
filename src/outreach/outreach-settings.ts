import { z } from 'zod';
import { barrierCodes } from '../nlp/understand/barriers.ts';

/** The two lists (FU-2). A list entry becomes a callback task of the same origin (src/callbacks/). */
export const outreachKinds = ['post-discharge', 'no-show'] as const;
export type OutreachKind = (typeof outreachKinds)[number];

const scriptLines = z.array(z.string().min(1).max(300)).min(1).max(8);

/**
 * Suggested scripts (FU-2): what the caller says, per list and per barrier heard before. Plain
 * templates the clinic edits (not AI); they hold no patient data: `{clinic}` is the clinic's name,
 * the only placeholder filled by the engine.
 */
export const outreachScriptsSchema = z
  .object({
    lists: z.object({ 'post-discharge': scriptLines, 'no-show': scriptLines }).strict(),
    barriers: z.object(Object.fromEntries(barrierCodes.map((code) => [code, z.string().min(1).max(300)])) as Record<(typeof barrierCodes)[number], z.ZodString>).strict(),
  })
  .strict();
export type OutreachScripts = z.infer<typeof outreachScriptsSchema>;

export const defaultOutreachScripts: OutreachScripts = {
  lists: {
    'post-discharge': [
      'Hello, this is {clinic} calling to check in after your recent hospital stay. Is now a good time?',
      'Do you have all the medicines from your discharge, and do you know how and when to take each one?',
      'Is your follow-up visit booked? If not, I can book it with you now.',
      'Do you know the warning signs to watch for, and whom to call or when to go to the emergency room?',
    ],
    'no-show': [
      'Hello, this is {clinic} calling because we missed you at your recent visit. Is now a good time?',
      'Would you like to book a new time? I can do that with you now.',
      'Was there anything that made it hard to come in that we can help with?',
    ],
  },
  barriers: {
    transport: 'Last time, getting here was hard: offer transport help (ride programme, medical transport) or a video visit.',
    'location-confusion': 'Last time, finding us was confusing: give the address, the building and the entrance, and offer to text directions.',
    language: 'The patient may prefer another language: offer an interpreter before going on.',
    cost: 'Cost came up before: mention financial counselling and ask about coverage before booking.',
    childcare: 'Childcare or caregiving came up before: offer a time that suits, or a video visit.',
    'work-schedule': 'Work hours came up before: offer early, late or video appointments.',
    technology: 'Video or the portal was hard before: offer a phone or in-person visit, or help setting it up.',
  },
};

/** The `outreach` section of callchart.yaml. */
export const outreachSettingsSchema = z
  .object({
    /** Run the scheduled EHR lists in processes that do pipeline work. */
    enabled: z.boolean().default(true),
    /** How often the EHR lists are searched. */
    everyMinutes: z.number().int().min(5).max(24 * 60).default(60),
    /** Post-discharge: hospital stays and emergency visits that ended in the last N hours. */
    dischargeLookbackHours: z.number().int().min(1).max(24 * 14).default(48),
    /** No-show: visits marked no-show in the last N days. */
    noShowLookbackDays: z.number().int().min(1).max(60).default(7),
    /** Results per EHR search page (`_count`). */
    pageSize: z.number().int().min(1).max(200).default(50),
    /** At most this many EHR results read per list per run; the next run carries on where this one stopped. */
    maxPerRun: z.number().int().min(1).max(10_000).default(200),
    /** The queue the entries (and their callback tasks) go to. */
    queue: z.string().min(1).max(64).default('outreach'),
    /** Hours from the entry's creation to its callback task's deadline. */
    dueHours: z.object({ 'post-discharge': z.number().int().min(1).max(24 * 14), 'no-show': z.number().int().min(1).max(24 * 14) }).strict().default({ 'post-discharge': 48, 'no-show': 72 }),
    /** Largest CSV upload accepted, in bytes, and most rows in one. */
    maxUploadBytes: z.number().int().min(1_024).max(10 * 1024 * 1024).default(256 * 1024),
    maxUploadRows: z.number().int().min(1).max(20_000).default(2_000),
    /** Earlier calls of the patient read for barriers: the newest N within `barrierLookbackDays`. */
    barrierCalls: z.number().int().min(0).max(50).default(10),
    barrierLookbackDays: z.number().int().min(1).max(3 * 365).default(180),
    scripts: outreachScriptsSchema.default(defaultOutreachScripts),
  })
  .strict();
export type OutreachSettings = z.infer<typeof outreachSettingsSchema>;
export const defaultOutreachSettings: OutreachSettings = outreachSettingsSchema.parse({});
