/**
 * FHIR wire shapes Herald writes itself: Bundles, OperationOutcomes, the CapabilityStatement, narratives. What
 * they build is valid FHIR R4 (no empty arrays, narratives on what Herald authors, only R4 types where R4
 * binds them); {@code FhirConformanceIT} holds every kind of response to HAPI FHIR's validator.
 */
package io.herald.fhir;
