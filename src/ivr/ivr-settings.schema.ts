import { z } from 'zod';

/**
 * IVR settings, per clinic with overrides per dialled number (CO-1, ING-2). Jurisdiction decides
 * what must be asked: in a two-party (all-party) consent state the caller must agree to recording
 * and transcription; in a one-party state the notice is given and the clinic's own consent
 * suffices for recording — the data-use consents (AI, EHR) are asked everywhere.
 */
export const consentScopes = ['record', 'transcribe', 'ai', 'ehr'] as const;
export type ConsentScope = (typeof consentScopes)[number];

export const callReasons = ['appointment', 'refill', 'clinical', 'billing', 'other'] as const;
export type CallReason = (typeof callReasons)[number];

const languageTag = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'language tag such as en-US or es-US');

export const ivrProfileSchema = z
  .object({
    enabled: z.boolean().default(true),
    language: languageTag.default('en-US'),
    /** Offered as "para español, oprima nueve" when set. */
    alternateLanguage: languageTag.optional(),
    jurisdiction: z.enum(['one-party', 'two-party']).default('two-party'),
    /**
     * The first words a caller hears, per language, before anything else (PX-1): said together
     * with the urgent option, before the disclosure and before any consent question.
     */
    emergencyMessage: z.record(languageTag, z.string().min(10).max(300)).default({
      'en-US': 'If this is a medical emergency, hang up and dial 911.',
      'es-US': 'Si es una emergencia médica, cuelgue y marque el 911.',
    }),
    /**
     * The key an urgent caller presses during the greeting to go straight to the urgent path, with no
     * further question. Not 9: that key offers the alternate language.
     */
    urgentKey: z.string().regex(/^[0-8*]$/, 'one keypad key, 0-8 or *').default('1'),
    /** How long the greeting waits for the urgent (or language) key before going on (seconds). */
    greetingTimeoutSeconds: z.number().int().min(1).max(10).default(1),
    /** Disclosure text per language: the notice, said after the emergency message and the urgent option. */
    disclosure: z.record(languageTag, z.string().min(10).max(600)).default({
      'en-US': 'Thank you for calling. This call may be recorded and transcribed to help your care team.',
      'es-US': 'Gracias por llamar. Esta llamada puede ser grabada y transcrita para ayudar a su equipo de atención.',
    }),
    /**
     * How the consents are asked (PX-1): `one-at-a-time` (a question per consent, as the strictest
     * jurisdictions and many clinics' counsel require), or `combined` (one question covering every
     * consent this call needs, with "press 3 to answer one at a time" always offered). Set
     * `combined` only where the jurisdiction and the clinic allow a bundled consent; it is a
     * per-clinic setting with overrides per dialled number, like `jurisdiction`.
     */
    consentQuestion: z.enum(['one-at-a-time', 'combined']).default('one-at-a-time'),
    /**
     * Which consents the IVR asks for; jurisdiction may add record and transcribe. Of these, only
     * the ones the call's queue policy can use are asked (consent/consent-needs.ts).
     */
    askConsent: z.array(z.enum(consentScopes)).default(['ai', 'ehr']),
    reasonMenu: z.boolean().default(true),
    /** Ask for the date of birth: always (verify every chart link), when the number is ambiguous, or never. */
    dobStepUp: z.enum(['always', 'when-ambiguous', 'never']).default('always'),
    gatherTimeoutSeconds: z.number().int().min(2).max(15).default(6),
  })
  .strict();

export type IvrProfile = z.infer<typeof ivrProfileSchema>;

export const ivrSettingsSchema = z
  .object({
    default: ivrProfileSchema.default(ivrProfileSchema.parse({})),
    /** Overrides by dialled number (E.164), merged over the default. */
    byNumber: z.record(z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 number'), ivrProfileSchema.partial()).default({}),
  })
  .strict();

export type IvrSettings = z.infer<typeof ivrSettingsSchema>;

export function ivrProfileFor(settings: IvrSettings, dialledNumber: string | null): IvrProfile {
  const override = dialledNumber ? settings.byNumber[dialledNumber] : undefined;
  return override ? ivrProfileSchema.parse({ ...settings.default, ...override }) : settings.default;
}
