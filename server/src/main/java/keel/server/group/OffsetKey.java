package keel.server.group;

/**
 * A topic partition whose offset a group commits. Immutable.
 *
 * @param topic     the topic name.
 * @param partition the partition.
 */
public record OffsetKey(String topic, int partition) {
}
