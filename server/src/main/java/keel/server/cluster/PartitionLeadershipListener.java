package keel.server.cluster;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a broker does when ZooKeeper shows a partition's new leader and ISR: the seam between cluster coordination
 * and the replica manager (becomeLeader / becomeFollower / stopReplica). Called on the cluster view's event thread,
 * in ZooKeeper order for each partition, only for states that pass fencing (see {@link ZkClusterView}).
 */
public interface PartitionLeadershipListener {
    /**
     * A topic as ZooKeeper describes it now: called before each of its partition states is passed on, and when its
     * configuration changes.
     *
     * @param topic          the topic.
     * @param topicId        its id.
     * @param partitionCount its partition count.
     * @param configs        its configuration overrides.
     */
    default void onTopicChanged(String topic, UUID topicId, int partitionCount, Map<String, String> configs) {
    }

    /**
     * The topic's assignment is gone (the controller deleted the topic).
     *
     * @param topic the topic.
     */
    default void onTopicDeleted(String topic) {
    }

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
