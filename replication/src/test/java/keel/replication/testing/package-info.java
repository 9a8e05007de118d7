/**
 * Test support for the replication layer: a step-wise scheduler on a manual clock, a simulated network with
 * injectable faults, and an in-process cluster of replicas with real logs.
 */
package keel.replication.testing;
