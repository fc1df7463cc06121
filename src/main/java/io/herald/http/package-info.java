/**
 * FHIR REST over HTTP: routing, validation of what a request carries, and errors.
 *
 * <p>{@code HttpVerticle} only wires: one handler class per route family ({@code ResourceHandler},
 * {@code SearchHandler}, {@code HistoryHandler}, {@code PollHandler}) that talks to the store over the
 * node-local event bus. What the package guarantees:
 * <ul>
 *   <li><b>Nothing malformed reaches a handler.</b> {@code RequestGuard} answers a bad Host, a request target
 *   that is not percent-encoded UTF-8, or a NUL with a 400 before routing, so no write can happen before a
 *   response that then fails; {@code FhirRequests} reads bodies strictly (UTF-8 that decodes, no duplicate
 *   keys, no unpaired surrogate, at most {@code MAX_DEPTH} levels), so what is stored is what was sent and can
 *   be served back in every Bundle.</li>
 *   <li><b>Every error is an OperationOutcome</b>, mapped in one place ({@code Errors}): client mistakes as
 *   4xx, the codec's own refusals (414, 431, 400) too, a database out of reach as 503 with Retry-After, a
 *   write whose outcome is unknown as 504.</li>
 *   <li><b>No connection holds the server without a request</b> ({@code HeaderTimeout}); a request in flight
 *   is never cut.</li>
 * </ul>
 */
package io.herald.http;
