/**
 * Partition replica state: {@link keel.replication.Partition} (leader epoch, in-sync replicas, a high watermark that
 * never moves backwards) and {@link keel.replication.DelayedOperationPurgatory}, which parks acks=all produce and
 * long-poll fetch requests without a thread. Followers, ISR shrink/expand and leader changes are the replication
 * issue's. Depends only on the embeddable log API; no sockets, no Kafka classes.
 */
package keel.replication;
