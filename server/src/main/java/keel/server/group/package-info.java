/**
 * Kafka's classic consumer-group coordinator as a protocol-independent engine:
 * {@link keel.server.group.GroupCoordinator} (membership, rebalances, static members, committed offsets) and its
 * durable storage in the partitions of {@code __consumer_offsets} through {@link keel.server.group.OffsetsLog}. This
 * package never imports Kafka's classes; the protocol layer translates requests into its calls. See docs/groups.md.
 */
package keel.server.group;
