/**
 * The rest-hook channel: one HTTP request per notification, as FHIR R4 defines it ({@code POST endpoint} without a
 * payload; {@code PUT}/{@code DELETE endpoint/Type/id} with one), with the subscription's headers and
 * {@code X-Herald-*} headers to order and de-duplicate by. A 2xx acknowledges; anything else, or no answer within
 * the timeout, is a failed attempt for the worker to retry.
 */
package io.herald.deliver.resthook;
