/**
 * Partition replica state machine (leader epochs, ISR, high watermark, acks completion).
 * Built by the replication issue; it depends only on the embeddable log API.
 */
package keel.replication;
