/**
 * Replication, Kafka's ISR model, transport- and store-agnostic. API for the server and the cluster layer:
 * {@link keel.replication.ReplicaManager} (becomeLeader / becomeFollower / stopReplica from the controller's
 * decisions, onFollowerFetch and offsetForLeaderEpoch from the request handlers), {@link keel.replication.Partition}
 * (one replica: role, leader epoch, in-sync set, a high watermark that never moves backwards, acks=all checks),
 * the seams the server implements ({@link keel.replication.ReplicaTransport} to reach other brokers,
 * {@link keel.replication.PartitionStateStore} for conditional writes of the in-sync set,
 * {@link keel.replication.Scheduler}), and {@link keel.replication.DelayedOperationPurgatory}, which parks acks=all
 * produce and long-poll fetch requests without a thread. Result codes are ints equal to Kafka's error codes
 * ({@link keel.replication.ReplicationError}). Depends only on the embeddable log API; no sockets, no Kafka classes,
 * no ZooKeeper. See docs/replication.md.
 */
package keel.replication;
