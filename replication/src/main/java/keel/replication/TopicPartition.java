package keel.replication;

import java.util.Objects;

/**
 * A topic name and a partition index: the key of every per-partition map of the replication layer. Immutable;
 * thread-safe.
 */
public final class TopicPartition {
    private final String topic;
    private final int partition;
    private final int hash;

    /**
     * @param topic     the topic name.
     * @param partition the partition index (0 or more).
     */
    public TopicPartition(final String topic, final int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("Negative partition " + partition + " of topic " + topic);
        }
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.hash = 31 * topic.hashCode() + partition;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TopicPartition)) {
            return false;
        }
        final TopicPartition other = (TopicPartition) o;
        return partition == other.partition && topic.equals(other.topic);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * @return {@code topic-partition}, the partition directory's name.
     */
    @Override
    public String toString() {
        return topic + '-' + partition;
    }
}
