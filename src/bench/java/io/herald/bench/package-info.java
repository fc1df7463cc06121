/**
 * Benchmark commands that print figures (throughput, latency percentiles, ratios against a baseline
 * measured in the same run): creates against the bare SQL Herald runs, matching against full evaluation,
 * search, and subscriptions (delivery latency, throughput, $poll wake-up). README gives each command and
 * its latest figures.
 */
package io.herald.bench;
