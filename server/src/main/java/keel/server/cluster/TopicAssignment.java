package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import keel.server.metadata.TopicId;

/**
 * A topic's id and replica assignment, the data of {@code /brokers/topics/<topic>} as Kafka's ZooKeeper mode writes
 * it: {@code {"version":3,"topic_id":"<base64>","partitions":{"0":[1,2],"1":[2,3]},"adding_replicas":{},
 * "removing_replicas":{}}}, preferred leader first. Immutable.
 *
 * @param topicId    the topic id, or {@code null} when the znode has none (version 1).
 * @param partitions replicas of partition {@code p} at index {@code p}.
 */
public record TopicAssignment(UUID topicId, List<List<Integer>> partitions) {
    /**
     * @param partitions replicas of partition {@code p} at index {@code p} (no topic id).
     */
    public TopicAssignment(final List<List<Integer>> partitions) {
        this(null, partitions);
    }

    public TopicAssignment {
        final List<List<Integer>> copy = new ArrayList<>(partitions.size());
        for (final List<Integer> replicas : partitions) {
            copy.add(List.copyOf(replicas));
        }
        partitions = List.copyOf(copy);
    }

    /**
     * Rack-unaware round robin, as Kafka without racks: partition {@code p}'s first replica is broker
     * {@code (start + p) mod n} and the others follow it in broker order.
     *
     * @param brokers           the live brokers, sorted.
     * @param firstPartition    the index of the first partition to assign (non-zero when adding partitions).
     * @param count             how many partitions.
     * @param replicationFactor replicas per partition.
     * @param start             the broker index partition 0 starts at (random in production, fixed in tests).
     * @return the replicas of each partition.
     */
    static List<List<Integer>> roundRobin(final List<Integer> brokers, final int firstPartition, final int count,
                                          final int replicationFactor, final int start) {
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException(replicationFactor, brokers.size());
        }
        final List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            final List<Integer> replicas = new ArrayList<>(replicationFactor);
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokers.get(Math.floorMod(start + p + r, brokers.size())));
            }
            assignment.add(replicas);
        }
        return assignment;
    }

    /**
     * @param topic the topic's name.
     * @return the topic id; for an assignment without one, an id derived from the name, the same on every broker.
     */
    public UUID topicIdOr(final String topic) {
        return topicId != null ? topicId
            : UUID.nameUUIDFromBytes(("keel-topic:" + topic).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param newPartitions the replicas of every partition.
     * @return this topic's id with another assignment.
     */
    TopicAssignment withPartitions(final List<List<Integer>> newPartitions) {
        return new TopicAssignment(topicId, newPartitions);
    }

    byte[] toJson() {
        final StringBuilder out = new StringBuilder(topicId == null ? "{\"version\":1,\"partitions\":{"
            : "{\"version\":3,\"topic_id\":" + Json.quote(TopicId.toText(topicId)) + ",\"partitions\":{");
        for (int p = 0; p < partitions.size(); p++) {
            if (p > 0) {
                out.append(',');
            }
            out.append('"').append(p).append("\":").append(Json.intArray(partitions.get(p)));
        }
        out.append('}');
        if (topicId != null) {
            out.append(",\"adding_replicas\":{},\"removing_replicas\":{}");
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static TopicAssignment fromJson(final byte[] data) {
        final Map<String, Object> json = Json.parseObject(data);
        final Object partitions = json.get("partitions");
        if (!(partitions instanceof Map)) {
            throw new IllegalArgumentException("Expected a partitions object in "
                + new String(data, StandardCharsets.UTF_8));
        }
        final Map<String, Object> map = (Map<String, Object>) partitions;
        final List<List<Integer>> replicas = new ArrayList<>(map.size());
        for (int p = 0; p < map.size(); p++) {
            final Object value = map.get(Integer.toString(p));
            if (value == null) {
                throw new IllegalArgumentException("Partition " + p + " missing in assignment "
                    + new String(data, StandardCharsets.UTF_8));
            }
            replicas.add(Json.intList(value, "partition " + p));
        }
        final Object id = json.get("topic_id");
        try {
            return new TopicAssignment(id == null ? null : TopicId.fromText(id.toString()), replicas);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("Malformed topic_id in " + new String(data, StandardCharsets.UTF_8), ex);
        }
    }
}
