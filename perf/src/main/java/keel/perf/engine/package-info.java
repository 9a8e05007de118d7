/**
 * JMH benchmarks of the storage engine (append, read, index lookup, recovery) and of the baselines it is measured
 * against (a raw copy into a memory mapping, Chronicle Queue). Results and the command that produced them:
 * {@code docs/performance.md}. Not API.
 */
package keel.perf.engine;
