package keel.server.protocol;

import keel.server.metadata.TopicManager;
import org.apache.kafka.common.protocol.Errors;

/**
 * The error for a request naming a partition this broker has no replica of: an unknown topic (by name or by id), a
 * partition number out of range, or, in a cluster, a partition that exists but lives on other brokers
 * (NOT_LEADER_OR_FOLLOWER, so that clients refresh their metadata and go to its leader, as Kafka answers).
 */
final class MissingPartition {
    private MissingPartition() {
    }

    /**
     * @param topic the topic, or {@code null} when unknown.
     * @param index the partition number.
     * @param byId  whether the request named the topic by id.
     * @return the error code.
     */
    static short errorCode(final TopicManager.Topic topic, final int index, final boolean byId) {
        if (topic == null) {
            return byId ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code();
        }
        return index >= 0 && index < topic.partitionCount() ? Errors.NOT_LEADER_OR_FOLLOWER.code()
            : Errors.UNKNOWN_TOPIC_OR_PARTITION.code();
    }
}
