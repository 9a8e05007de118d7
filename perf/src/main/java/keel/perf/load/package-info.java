/**
 * Load generators over kafka-clients (produce, consume, end-to-end latency), the pacing of fixed-rate load, and the
 * machine's own ceilings (memory copy, file write, page-cache read, sendfile, loopback TCP).
 */
package keel.perf.load;
