import { z } from 'zod';
import { requestTypeCodes, type RequestTypeCode } from './analysis.types.ts';

/**
 * Where each request type goes in the EHR (UN-1): the work queue, the role that owns it, the Task
 * priority and how soon it is due. Clinic configuration (`requestTypes:` in the config file),
 * with defaults a primary-care practice would start from.
 */
export const requestWorkflowSchema = z
  .object({
    label: z.string().min(1).max(80),
    queue: z.string().min(1).max(80),
    ownerRole: z.enum(['intake', 'nurse', 'clinician', 'billing', 'records', 'scheduling']),
    priority: z.enum(['routine', 'urgent', 'asap', 'stat']),
    /** Hours until the follow-up is due. */
    dueHours: z.number().positive().max(24 * 30),
    /** What the owner does next, in the clinic's words. */
    nextStep: z.string().min(1).max(200),
  })
  .strict();
export type RequestWorkflow = z.infer<typeof requestWorkflowSchema>;

export const defaultRequestWorkflows: Record<RequestTypeCode, RequestWorkflow> = {
  prescription_refill: { label: 'Prescription refill', queue: 'refills', ownerRole: 'nurse', priority: 'routine', dueHours: 48, nextStep: 'Check the medication list and last visit, then send or deny the refill' },
  appointment: { label: 'Appointment', queue: 'scheduling', ownerRole: 'scheduling', priority: 'routine', dueHours: 24, nextStep: 'Call back to book, change or cancel the appointment' },
  symptom_report: { label: 'Symptom report', queue: 'nurse-triage', ownerRole: 'nurse', priority: 'urgent', dueHours: 4, nextStep: 'Nurse triage call back' },
  test_results: { label: 'Test results', queue: 'nurse-line', ownerRole: 'nurse', priority: 'routine', dueHours: 48, nextStep: 'Review the result with the ordering clinician and call back' },
  referral: { label: 'Referral', queue: 'referrals', ownerRole: 'intake', priority: 'routine', dueHours: 72, nextStep: 'Check the referral status and tell the caller' },
  billing_insurance: { label: 'Billing or insurance', queue: 'billing', ownerRole: 'billing', priority: 'routine', dueHours: 72, nextStep: 'Billing office call back' },
  prior_authorization: { label: 'Prior authorization', queue: 'prior-auth', ownerRole: 'intake', priority: 'routine', dueHours: 48, nextStep: 'Check the prior authorization with the payer' },
  medical_records: { label: 'Medical records', queue: 'records', ownerRole: 'records', priority: 'routine', dueHours: 72, nextStep: 'Process the records or forms request' },
  callback_request: { label: 'Callback request', queue: 'front-desk', ownerRole: 'intake', priority: 'routine', dueHours: 24, nextStep: 'Call the patient back' },
  urgent_emergency: { label: 'Urgent / emergency', queue: 'nurse-triage', ownerRole: 'nurse', priority: 'stat', dueHours: 0.25, nextStep: 'Nurse triage now; direct to 911 if needed' },
  administrative: { label: 'Administrative', queue: 'front-desk', ownerRole: 'intake', priority: 'routine', dueHours: 72, nextStep: 'Front desk follow-up' },
  provider_to_provider: { label: 'Provider to provider', queue: 'clinician-messages', ownerRole: 'clinician', priority: 'urgent', dueHours: 8, nextStep: 'Clinician returns the call' },
};

export const requestWorkflowsSchema = z.partialRecord(z.enum(requestTypeCodes), requestWorkflowSchema.partial()).default({});

/** The configured workflows, each over its default. */
export function resolveRequestWorkflows(overrides: Partial<Record<RequestTypeCode, Partial<RequestWorkflow> | undefined>>): Record<RequestTypeCode, RequestWorkflow> {
  return Object.fromEntries(
    requestTypeCodes.map((code) => [code, { ...defaultRequestWorkflows[code], ...(overrides[code] ?? {}) }]),
  ) as Record<RequestTypeCode, RequestWorkflow>;
}
