/**
 * The event-bus contract between verticles: every address ({@code Addresses}, with its sender, consumer and
 * body) and every failure code ({@code Failures}, fixed numbers the HTTP layer maps to statuses in one place).
 */
package io.herald.bus;
