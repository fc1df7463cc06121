/**
 * The criteria engine: FHIR search criteria, parsed once, decided the same way in SQL and in memory.
 *
 * <p>Pure Java, no Vert.x: the search-parameter {@code Registry} (FHIR R4 definitions plus the configured
 * custom types), the {@code Extractor} of a resource's values of a parameter (the one source of what a
 * resource holds, for the SQL index rows and for in-memory matching alike), the {@code CriteriaParser}, which
 * rejects what it cannot evaluate with an error naming the parameter, {@code Criteria} (in-memory matching)
 * and the {@code SubscriptionIndex}, which finds the criteria a change matches without evaluating them all.
 * {@code SearchDifferentialIT} holds SQL search and in-memory matching to the same answers.
 */
package io.herald.criteria;
