/**
 * Statistics of benchmark samples: medians, min-max spread, ratios of interleaved (paired) samples and latency
 * percentiles from HdrHistogram.
 */
package keel.perf.stats;
