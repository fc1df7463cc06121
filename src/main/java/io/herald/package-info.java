/**
 * Herald: a FHIR R4 store in PostgreSQL that tells subscribers of the changes they care about.
 * {@code Main} starts a node (configuration, optional Hazelcast cluster, ordered shutdown), {@code Herald}
 * deploys its verticles in dependency order (store, match, deliver, http) and stops them in reverse.
 */
package io.herald;
