package keel.server.metadata;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The topic changes clients ask for (CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs, auto-creation):
 * carried out by the {@link TopicManager} on a single node, and through ZooKeeper and the controller in a cluster.
 * A client-caused refusal is a {@link TopicException} with Kafka's error code. Implementations are thread-safe and
 * may block (call them from the I/O pool).
 */
public interface TopicCommands {
    /**
     * @param name              the topic.
     * @param partitions        the partition count, or -1 for num.partitions.
     * @param replicationFactor the replication factor, or -1 for default.replication.factor.
     * @param configs           topic-level configuration overrides.
     * @param validateOnly      check only, create nothing.
     * @return the (would-be) topic's info.
     * @throws IOException if the change cannot be stored.
     */
    TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs,
                          boolean validateOnly) throws IOException;

    /**
     * @param name the topic.
     * @return the deleted topic's info.
     * @throws IOException if the change cannot be stored.
     */
    TopicInfo deleteTopic(String name) throws IOException;

    /**
     * @param name         the topic.
     * @param count        the new partition count.
     * @param validateOnly check only.
     * @return the topic's new info.
     * @throws IOException if the change cannot be stored.
     */
    TopicInfo createPartitions(String name, int count, boolean validateOnly) throws IOException;

    /**
     * @param name         the topic.
     * @param set          keys to set.
     * @param delete       keys to return to the broker default.
     * @param validateOnly check only.
     * @return the topic's new info.
     * @throws IOException if the change cannot be stored.
     */
    TopicInfo alterConfigs(String name, Map<String, String> set, Set<String> delete, boolean validateOnly)
        throws IOException;
}
