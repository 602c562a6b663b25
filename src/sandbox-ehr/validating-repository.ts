/**
 * The sandbox's store: medplum's in-memory FHIR repository, made strict the way a production EHR
 * is. MemoryRepository on its own accepts anything; Epic does not, and a sandbox that is more lenient
 * than the real system hides the bugs it exists to find.
 */
import { deepClone, matchesSearchRequest, Operator, OperationOutcomeError, validateResource } from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { SearchRequest, WithId } from '@medplum/core';
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
  /** Undo steps of the open transaction, newest last; null outside a transaction. */
  private journal: UndoStep[] | null = null;

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
    const previous = this.journal && resource.id ? this.stored(resource.resourceType, resource.id) : undefined;
    const written = await super.createResource(resource);
    this.indexIdentifiers(written);
    this.journal?.push({ kind: 'write', resourceType: written.resourceType, id: written.id, previous });
    return written;
  }

  override async deleteResource(resourceType: string, id: string): Promise<void> {
    const previous = this.journal ? this.stored(resourceType, id) : undefined;
    await super.deleteResource(resourceType, id);
    if (previous) this.journal?.push({ kind: 'delete', resourceType, id, previous });
  }

  /**
   * All or nothing. MemoryRepository runs the callback with no transaction at all, so a transaction
   * Bundle whose third entry fails would leave the first two applied. Here every write inside the
   * callback is journalled and undone in reverse if it throws. Isolation is the caller's: the
   * sandbox serialises writes (see the server's write queue), so nothing interleaves with this.
   */
  override async withTransaction<TResult>(callback: (client: undefined) => Promise<TResult>): Promise<TResult> {
    if (this.journal) return callback(undefined); // nested: part of the outer transaction
    const steps: UndoStep[] = [];
    this.journal = steps;
    try {
      const result = await callback(undefined);
      this.journal = null;
      return result;
    } catch (error) {
      this.journal = null;
      for (const step of steps.reverse()) this.undo(step);
      throw error;
    }
  }

  /**
   * Load trusted seed data without per-resource validation (the generator's own test validates
   * every resource), keeping start-up fast. Ids are kept as given.
   */
  async seed(resources: readonly Resource[]): Promise<void> {
    for (const resource of resources) this.indexIdentifiers(await super.createResource(resource));
  }

  /**
   * Business-identifier searches (`identifier=system|value`, one value or several, nothing else)
   * look in an index instead of reading every resource of the type, as a real EHR's would: every
   * conditional create searches by identifier, and after a month of calls (issue 18: 34,000 Tasks)
   * a full scan per create made the sandbox, not Callchart, the bottleneck. The index only narrows
   * the candidates: each is still matched against the whole search, so answers are unchanged.
   */
  override async search<T extends Resource>(searchRequest: SearchRequest<T>): Promise<Bundle<WithId<T>>> {
    const keys = identifierKeys(searchRequest);
    if (!keys) return super.search(searchRequest);
    const stored = this.maps.resources.get(searchRequest.resourceType);
    const ids = new Set(keys.flatMap((key) => [...(this.identifierIndex.get(`${searchRequest.resourceType}|${key}`) ?? [])]));
    const matches = [...ids]
      .map((id) => stored?.get(id))
      .filter((resource): resource is WithId<T> => resource !== undefined && matchesSearchRequest(resource, searchRequest));
    const offset = searchRequest.offset ?? 0;
    const page = matches.slice(offset, searchRequest.count !== undefined ? offset + searchRequest.count : undefined);
    return { resourceType: 'Bundle', type: 'searchset', entry: page.length ? page.map((resource) => ({ resource: deepClone(resource) })) : undefined, total: matches.length };
  }

  /** resourceType|system|value → ids of every version ever written with it (a superset: search re-checks). */
  private readonly identifierIndex = new Map<string, Set<string>>();

  private indexIdentifiers(resource: Resource): void {
    const identifiers = (resource as { identifier?: { system?: string; value?: string }[] }).identifier;
    if (!Array.isArray(identifiers) || !resource.id) return;
    for (const identifier of identifiers) {
      if (!identifier.system || !identifier.value) continue;
      const key = `${resource.resourceType}|${identifier.system}|${identifier.value}`;
      const ids = this.identifierIndex.get(key) ?? new Set<string>();
      ids.add(resource.id);
      this.identifierIndex.set(key, ids);
    }
  }

  /**
   * MemoryRepository keeps its maps private with no undo API; reaching into them is the price of
   * rollback. Pinned by the @medplum/fhir-router version in package.json and covered by the
   * transaction rollback test.
   */
  private get maps(): { resources: Map<string, Map<string, Resource>>; history: Map<string, Map<string, Resource[]>> } {
    return this as unknown as { resources: Map<string, Map<string, Resource>>; history: Map<string, Map<string, Resource[]>> };
  }

  private stored(resourceType: string, id: string): Resource | undefined {
    return this.maps.resources.get(resourceType)?.get(id);
  }

  private undo(step: UndoStep): void {
    const { resources, history } = this.maps;
    if (step.kind === 'write') {
      history.get(step.resourceType)?.get(step.id)?.pop();
      if (step.previous) resources.get(step.resourceType)?.set(step.id, step.previous);
      else {
        resources.get(step.resourceType)?.delete(step.id);
        history.get(step.resourceType)?.delete(step.id);
      }
    } else {
      resources.get(step.resourceType)?.set(step.id, step.previous);
    }
  }
}

/**
 * The `system|value` pairs of a search that is only an identifier match (any number of comma
 * alternatives, no escapes, no sort), else null (the full scan answers it).
 */
function identifierKeys(searchRequest: SearchRequest): string[] | null {
  const filters = searchRequest.filters ?? [];
  if (filters.length !== 1 || searchRequest.sortRules?.length) return null;
  const [filter] = filters;
  if (filter!.code !== 'identifier' || filter!.operator !== Operator.EQUALS || filter!.value.includes('\\')) return null;
  const keys = filter!.value.split(',');
  return keys.every((key) => /^[^|]+\|[^|]+$/.test(key)) ? keys : null;
}

type UndoStep =
  | { kind: 'write'; resourceType: string; id: string; previous: Resource | undefined }
  | { kind: 'delete'; resourceType: string; id: string; previous: Resource };
