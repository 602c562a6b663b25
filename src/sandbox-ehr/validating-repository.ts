/**
 * The sandbox's store: medplum's in-memory FHIR repository, made strict the way a production EHR
 * is. MemoryRepository on its own accepts anything; Epic does not, and a sandbox that is more lenient
 * than the real system hides the bugs it exists to find.
 */
import { OperationOutcomeError, validateResource } from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';
import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { WithId } from '@medplum/core';
import { findRequiredCodeViolations, type RequiredCodeIndex } from './required-codes.ts';

/**
 * All error issues for a resource about to be written: structure and cardinality from
 * @medplum/core's validator, plus required-binding codes it does not check.
 * Assumes the R4 definitions are indexed (see fhir-definitions.loader.ts).
 */
export function validateWrite(resource: Resource, requiredCodes: RequiredCodeIndex): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  try {
    // Returns warnings; throws an OperationOutcomeError carrying the errors.
    validateResource(resource);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    issues.push(...(error.outcome.issue ?? []));
  }
  issues.push(...findRequiredCodeViolations(resource, requiredCodes));
  return issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
}

/** An OperationOutcome for a rejected write: HTTP 400 through medplum's status mapping ('invalid' family). */
function rejectedWrite(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export interface ValidatingRepositoryOptions {
  requiredCodes: RequiredCodeIndex;
  /** Resource types this sandbox serves; writes of any other type are refused. */
  resourceTypes: ReadonlySet<string>;
}

/**
 * MemoryRepository that validates every write. Overriding `createResource` is enough: medplum's
 * update, patch, conditional create/update and batch/transaction entries all end there.
 */
export class ValidatingRepository extends MemoryRepository {
  private readonly requiredCodes: RequiredCodeIndex;
  private readonly resourceTypes: ReadonlySet<string>;

  constructor(options: ValidatingRepositoryOptions) {
    super();
    this.requiredCodes = options.requiredCodes;
    this.resourceTypes = options.resourceTypes;
  }

  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    if (!this.resourceTypes.has(resource.resourceType)) {
      throw new OperationOutcomeError({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-supported', details: { text: `Resource type ${resource.resourceType} is not served by this sandbox` }, expression: ['resourceType'] }],
      });
    }
    const issues = validateWrite(resource, this.requiredCodes);
    if (issues.length > 0) throw new OperationOutcomeError(rejectedWrite(issues));
    return super.createResource(resource);
  }

  /**
   * Load trusted seed data without per-resource validation (the generator's own test validates
   * every resource), keeping start-up fast. Ids are kept as given.
   */
  async seed(resources: readonly Resource[]): Promise<void> {
    for (const resource of resources) await super.createResource(resource);
  }
}
