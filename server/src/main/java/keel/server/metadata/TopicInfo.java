package keel.server.metadata;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the broker persists about one topic: name, stable id, partition count and the topic-level configuration
 * overrides. Immutable; thread-safe.
 */
public final class TopicInfo {
    private final String name;
    private final UUID id;
    private final int partitionCount;
    private final Map<String, String> configOverrides;

    /**
     * @param name            the topic name.
     * @param id              its id.
     * @param partitionCount  its number of partitions.
     * @param configOverrides topic-level keys that differ from the broker defaults.
     */
    public TopicInfo(final String name, final UUID id, final int partitionCount,
                     final Map<String, String> configOverrides) {
        this.name = name;
        this.id = id;
        this.partitionCount = partitionCount;
        this.configOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(configOverrides));
    }

    public String name() {
        return name;
    }

    public UUID id() {
        return id;
    }

    public int partitionCount() {
        return partitionCount;
    }

    public Map<String, String> configOverrides() {
        return configOverrides;
    }

    TopicInfo withPartitionCount(final int count) {
        return new TopicInfo(name, id, count, configOverrides);
    }

    TopicInfo withConfigOverrides(final Map<String, String> overrides) {
        return new TopicInfo(name, id, partitionCount, overrides);
    }

    @Override
    public String toString() {
        return "TopicInfo{name=" + name + ", id=" + TopicId.toText(id) + ", partitions=" + partitionCount
            + ", configs=" + configOverrides + '}';
    }
}
