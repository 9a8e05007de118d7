package keel.server.cluster;

import java.util.List;

/**
 * What a broker does when ZooKeeper shows a partition's new leader and ISR: the seam between cluster coordination
 * and the replica manager (becomeLeader / becomeFollower / stopReplica). Called on the cluster view's event thread,
 * in ZooKeeper order for each partition, only for states that pass fencing (see {@link ZkClusterView}).
 */
public interface PartitionLeadershipListener {
    /**
     * @param topic     the topic.
     * @param partition the partition.
     * @param replicas  the partition's assigned replicas, preferred leader first.
     * @param state     the new state; its partition epoch is the state znode's version, for conditional ISR writes.
     */
    void onLeaderAndIsr(String topic, int partition, List<Integer> replicas, LeaderAndIsr state);

    /**
     * The partition was deleted (its topic was deleted).
     *
     * @param topic     the topic.
     * @param partition the partition.
     */
    void onPartitionDeleted(String topic, int partition);
}
