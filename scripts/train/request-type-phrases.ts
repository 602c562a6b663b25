import type { RequestTypeCode } from '../../src/nlp/analysis.types.ts';

/**
 * Hand-written requests per type for the request-type training corpus, in many voices (patients,
 * relatives, pharmacies, other offices; British and Australian wording; ASR-style). Written for this
 * folder; none is taken from the benchmark sets. `{med}`, `{doc}`, `{day}` and `{test}` are filled in.
 */
export const requestPhrases: Record<Exclude<RequestTypeCode, 'urgent_emergency'>, string[]> = {
  prescription_refill: [
    'i need more of my {med}', 'can you top up my {med} prescription', "i've nearly finished my {med}", 'my {med} is about to run out', 'could {doc} send through another script for my {med}',
    'the chemist says i need a new prescription for my {med}', 'can i get a repeat prescription for {med}', 'i only have three {med} tablets left', 'i need my {med} reordered',
    'please renew the {med}', "i'm out of {med} since yesterday", 'can you authorise more {med}', 'i need a refill sent to the pharmacy for my {med}', 'my {med} bottle says no refills left',
    'could you send my {med} to the mail order place', 'i need a ninety day supply of {med}', 'my mum needs her {med} repeated', 'i need another month of {med}',
  ],
  appointment: [
    'i need to book in with {doc}', 'can i get a slot on {day}', 'i want to come in and see someone', 'is there any chance of an appointment {day}', 'i need to move my appointment to {day}',
    'i have to cancel my visit on {day}', 'can i see {doc} next week', "i'd like to book a check up", 'can you squeeze me in {day}', 'i want to make a booking for my son',
    'do you have anything free {day}', 'i need a follow up visit with {doc}', 'can i change my appointment time', "i can't make my appointment on {day}", 'i want to set up a physical',
    'please put me on the waitlist for an earlier time', 'i need to see a doctor about my knee', 'can we do a video visit instead',
  ],
  symptom_report: [
    "i've had a cough for two weeks", 'my rash is spreading', 'i have been having headaches every afternoon', 'my ear has been hurting and draining', 'i feel dizzy when i stand up',
    'i have a sore throat and a temperature of 99', "my knee is swollen and it won't go down", 'the new medicine is making me nauseous', 'i have a burning feeling when i pee',
    'my blood sugars have been running high', "i've been really tired lately", 'my son has had diarrhoea since sunday', 'i have a lump in my armpit', "my back has been aching for a week",
    'i keep getting heartburn at night', 'my eyes are red and itchy', 'i think i have a chest infection', 'i have been feeling off since the new pills',
  ],
  test_results: [
    'i want to know my {test} results', 'are my {test} results back yet', 'can someone go over my {test} with me', 'i had a {test} last week and have not heard anything',
    'what did my {test} show', 'i got a notification that my {test} results are in', 'can the nurse explain my {test} results', 'is my {test} normal',
    'i am waiting on the results of my {test}', 'has {doc} looked at my {test} yet', 'i want a copy of my {test} report', 'any news on my {test}',
    'the portal shows my {test} but i do not understand it', 'i am calling about the {test} i had done',
  ],
  referral: [
    'i need a referral to a {spec}', 'can {doc} refer me to a {spec}', 'the {spec} office says they never got the referral', 'i need a new referral for physio',
    'my insurance needs a referral before i can see the {spec}', 'can you send my referral to a different {spec}', 'i want to be referred to a {spec}', 'has my referral to the {spec} gone through',
    'the {spec} needs the referral faxed again', 'i need my referral renewed for the {spec}', 'can i get a referral for counselling', 'who do i see about getting referred',
  ],
  billing_insurance: [
    'i got a bill i do not understand', 'why was i charged for this visit', 'my insurance changed and i need to update it', 'i need an itemised statement', 'can i set up a payment plan',
    'i was billed twice for the same visit', 'my claim was denied', 'i want to pay my balance', 'is this covered by my insurance', 'i have a new insurance card',
    'the bill went to collections by mistake', 'what is my copay for a visit', 'i need a receipt for my hsa', 'why is my deductible not applied',
  ],
  prior_authorization: [
    'my insurance needs a prior auth for my {med}', 'the pharmacy says {med} needs prior authorisation', 'has the prior auth for my mri been approved', 'can you submit the pre authorisation form',
    'the insurance company is asking for a prior authorization', 'my {med} was denied pending authorization', 'i need the doctor to do the paperwork so insurance will cover the {med}',
    'what is the status of my prior auth', 'the prior auth for my {test} expired', 'insurance wants a letter of medical necessity for the {med}',
  ],
  medical_records: [
    'i need a copy of my medical records', 'can you send my records to my new doctor', 'i need my vaccination records', 'please fax my chart to the specialist',
    'how do i request my records', 'i need my records from 2019', 'can i get my immunization history for school', 'i need my files transferred to another practice',
    'i need a copy of my visit notes', 'can you release my records to my lawyer', 'i want to see what is in my chart', 'my new clinic needs my records',
  ],
  callback_request: [
    'can someone call me back', 'please have the nurse ring me', 'i would like a call back from {doc}', 'can you call me after five', 'please call me back on my mobile',
    'i need someone to get back to me today', 'i left a message yesterday and nobody called back', 'can the doctor give me a ring', 'please return my call', 'have someone call me when you can',
    'i am waiting for a call back about this', 'can you ask {doc} to phone me',
  ],
  administrative: [
    'i need a note for work', 'can you fill out a form for my school', 'i need a letter for my landlord', 'i need to update my address', 'what are your opening hours',
    'i need a sick note for my employer', 'can the doctor sign my disability paperwork', 'i need a fitness to fly letter', 'i want to change my phone number on file',
    'can you complete my dmv form', 'i need proof that i was seen today', 'i need to update my emergency contact', 'where do i park for the clinic', 'can i switch to a different doctor in the practice',
  ],
  provider_to_provider: [
    'this is {doc} from the cardiology office calling about a shared patient', 'hi, this is the pharmacist at walgreens with a question about a prescription', 'i am a nurse calling from the hospital about a discharge',
    'this is the lab calling with a critical value', 'this is dr. lee, i am covering for {doc} and need to discuss a patient', "i'm calling from the orthopaedic clinic about a referral you sent",
    'this is the emergency department with an update on your patient', 'this is the home health agency calling about a patient plan of care', 'i am calling from the nursing home about one of your patients',
    'this is the radiology department with a report for {doc}', 'hi this is the specialist office, we need clinical notes for a mutual patient', 'this is physical therapy calling to ask about orders',
  ],
};

export const fillers: Record<'med' | 'doc' | 'day' | 'test' | 'spec', string[]> = {
  med: ['lisinopril', 'metformin', 'inhaler', 'insulin', 'sertraline', 'blood pressure pills', 'thyroid medicine', 'atorvastatin', 'ventolin', 'omeprazole', 'birth control', 'eliquis', 'gabapentin', 'adderall', 'amlodipine', 'jardiance', 'ozempic', 'humira'],
  doc: ['dr. smith', 'the doctor', 'dr patel', 'my gp', 'the nurse practitioner', 'dr. nguyen', 'doctor garcia'],
  day: ['tomorrow', 'on monday', 'this week', 'next tuesday', 'friday morning', 'today', 'sometime next week'],
  test: ['blood test', 'mri', 'x ray', 'cholesterol', 'biopsy', 'urine test', 'a1c', 'ct scan', 'mammogram', 'ultrasound', 'covid test', 'thyroid test'],
  spec: ['cardiologist', 'dermatologist', 'physical therapist', 'gastroenterologist', 'orthopaedic surgeon', 'neurologist', 'allergist', 'ent', 'psychiatrist'],
};
