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
    /** Disclosure text per language; the first sentence the caller hears. */
    disclosure: z.record(languageTag, z.string().min(10).max(600)).default({
      'en-US': 'Thank you for calling. This call may be recorded and transcribed to help your care team. If this is a medical emergency, hang up and dial 911.',
      'es-US': 'Gracias por llamar. Esta llamada puede ser grabada y transcrita para ayudar a su equipo de atención. Si es una emergencia médica, cuelgue y marque el 911.',
    }),
    /** Which consents the IVR asks for; jurisdiction may add record and transcribe. */
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
