import type { ConsentScope } from './ivr-settings.schema.ts';

/** What the IVR says, per language. Short sentences: callers listen, they do not read. */
export interface IvrPhrases {
  languageOffer: string;
  /** `{key}` is the clinic's urgent key. */
  urgentOffer: string;
  consent: Record<ConsentScope, string>;
  /** One question for several consents: `{list}` is the clauses of `consentClause`, joined. */
  consentCombined: string;
  consentClause: Record<ConsentScope, string>;
  /** The word before the last clause of a list ("and"). */
  listAnd: string;
  reasonMenu: string;
  dob: string;
  dobRetry: string;
  didNotCatch: string;
  connecting: string;
  connectingToStaff: string;
  urgent: string;
}

const phrasebook: Record<string, IvrPhrases> = {
  en: {
    languageOffer: 'Para español, oprima nueve.',
    urgentOffer: 'If you have urgent symptoms, press {key} now.',
    consentCombined: 'May we {list}? Press 1 for yes, 2 for no, or 3 to answer one at a time.',
    consentClause: {
      record: 'record this call',
      transcribe: 'transcribe it for your care team',
      ai: 'have an automated assistant summarize it for our staff to review',
      ehr: 'add a note about it to your medical record',
    },
    listAnd: 'and',
    consent: {
      record: 'May we record this call? Press 1 for yes, or 2 for no.',
      transcribe: 'May we transcribe this call for your care team? Press 1 for yes, or 2 for no.',
      ai: 'May an automated assistant summarize your call for our staff to review? Press 1 for yes, or 2 for no.',
      ehr: 'May we add a note about this call to your medical record? Press 1 for yes, or 2 for no.',
    },
    reasonMenu:
      'For appointments, press 1. For prescription refills, press 2. For a question for the nurse, press 3. For billing, press 4. If this is urgent, press 5. For anything else, press 0.',
    dob: 'Please enter your date of birth: two digits for the month, two for the day, and four for the year, then press pound.',
    dobRetry: 'That did not match our records. Please try once more.',
    didNotCatch: "Sorry, I didn't get that.",
    connecting: 'Thank you. Please hold while we connect you.',
    connectingToStaff: 'Let me connect you with a member of our staff.',
    urgent: 'Connecting you to our nurse now. If this is a medical emergency, hang up and dial 911.',
  },
  es: {
    languageOffer: 'For English, press nine.',
    urgentOffer: 'Si tiene síntomas urgentes, oprima {key} ahora.',
    consentCombined: '¿Podemos {list}? Oprima 1 para sí, 2 para no, o 3 para responder una por una.',
    consentClause: {
      record: 'grabar esta llamada',
      transcribe: 'transcribirla para su equipo de atención',
      ai: 'permitir que un asistente automático la resuma para que nuestro personal la revise',
      ehr: 'agregar una nota sobre ella a su expediente médico',
    },
    listAnd: 'y',
    consent: {
      record: '¿Podemos grabar esta llamada? Oprima 1 para sí, o 2 para no.',
      transcribe: '¿Podemos transcribir esta llamada para su equipo de atención? Oprima 1 para sí, o 2 para no.',
      ai: '¿Puede un asistente automático resumir su llamada para que nuestro personal la revise? Oprima 1 para sí, o 2 para no.',
      ehr: '¿Podemos agregar una nota sobre esta llamada a su expediente médico? Oprima 1 para sí, o 2 para no.',
    },
    reasonMenu:
      'Para citas, oprima 1. Para resurtir recetas, oprima 2. Para una pregunta para la enfermera, oprima 3. Para facturación, oprima 4. Si es urgente, oprima 5. Para otra cosa, oprima 0.',
    dob: 'Por favor marque su fecha de nacimiento: dos dígitos para el mes, dos para el día y cuatro para el año, y luego la tecla numeral.',
    dobRetry: 'Eso no coincide con nuestros registros. Por favor intente una vez más.',
    didNotCatch: 'Disculpe, no le entendí.',
    connecting: 'Gracias. Por favor espere mientras le comunicamos.',
    connectingToStaff: 'Le comunicaré con un miembro de nuestro personal.',
    urgent: 'Le comunicamos con la enfermera ahora. Si es una emergencia médica, cuelgue y marque el 911.',
  },
};

/** "a, b and c": clauses joined the way the language says a list. */
export function spokenList(phrases: IvrPhrases, clauses: readonly string[]): string {
  if (clauses.length <= 1) return clauses.join('');
  return `${clauses.slice(0, -1).join(', ')} ${phrases.listAnd} ${clauses.at(-1)!}`;
}

/** Phrases for a language tag; unknown languages fall back to English rather than silence. */
export function phrasesFor(language: string): IvrPhrases {
  return phrasebook[language.slice(0, 2)] ?? phrasebook.en!;
}
