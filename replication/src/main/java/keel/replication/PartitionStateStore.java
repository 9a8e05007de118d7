package keel.replication;

/**
 * Where a leader records in-sync-set changes: the cluster layer implements it with a conditional (versioned) write
 * of the partition's state znode; a test implements it with a map. The leader proposes at most one change per
 * partition at a time and keeps using its old in-sync set until the store answers: on success it adopts the
 * committed state, on any failure it keeps the old set (and the controller, which caused the conflict, will
 * send it the newer state through {@link ReplicaManager#becomeLeader} or {@link ReplicaManager#becomeFollower}).
 *
 * <p>Implementations must be thread-safe. {@link #tryUpdateIsr} must not block on I/O in the caller's thread if it
 * can avoid it (it is called from a follower-fetch handler or the ISR-expiry task); it may answer on any thread,
 * before or after it returns, and must answer exactly once.
 */
public interface PartitionStateStore {
    /**
     * Conditionally replaces the partition's state: succeeds only if the stored state still has
     * {@code proposed.partitionEpoch()} as its version and {@code proposed.leaderEpoch()} as its leader epoch.
     *
     * @param partition the partition.
     * @param proposed  the new state: the leader's current leader and epoch, the new in-sync set, and the
     *                  partition epoch (version) the leader last knew.
     * @param callback  told the outcome, exactly once.
     */
    void tryUpdateIsr(TopicPartition partition, LeaderAndIsr proposed, IsrUpdateCallback callback);

    /**
     * The outcome of {@link #tryUpdateIsr}.
     */
    @FunctionalInterface
    interface IsrUpdateCallback {
        /**
         * @param errorCode {@link ReplicationError#NONE}; {@link ReplicationError#INVALID_UPDATE_VERSION} when the
         *                  stored version differs; {@link ReplicationError#FENCED_LEADER_EPOCH} when the stored
         *                  leader epoch is newer; {@link ReplicationError#NETWORK_EXCEPTION} (or any other code)
         *                  when the store could not be reached. Any failure leaves the stored state unchanged.
         * @param committed on success the state now stored (the partition epoch incremented); null on failure.
         */
        void onIsrUpdate(int errorCode, LeaderAndIsr committed);
    }

    /**
     * A store for a single node or a test that accepts every change at once (no cluster layer).
     */
    PartitionStateStore ACCEPT_ALL = (partition, proposed, callback) -> callback.onIsrUpdate(ReplicationError.NONE,
        new LeaderAndIsr(proposed.leader(), proposed.leaderEpoch(), proposed.isr(), proposed.partitionEpoch() + 1));
}
