package keel.server.group;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The group coordinator's configuration, with Kafka's broker key names where the concept is Kafka's, validated once
 * (an unknown key or a value out of range fails with the key, the value and the range). Immutable: thread-safe.
 *
 * <p>Two keys are Keel's own, prefixed {@code keel.}: the limit on one member's protocol metadata, and the log size
 * at which an offsets partition is snapshotted (see docs/groups.md, "Keeping the log bounded").
 */
public final class GroupConfig {
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG = "group.min.session.timeout.ms";
    public static final int GROUP_MIN_SESSION_TIMEOUT_MS_DEFAULT = 6_000;
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG = "group.max.session.timeout.ms";
    public static final int GROUP_MAX_SESSION_TIMEOUT_MS_DEFAULT = 1_800_000;
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG = "group.initial.rebalance.delay.ms";
    public static final int GROUP_INITIAL_REBALANCE_DELAY_MS_DEFAULT = 3_000;
    public static final String GROUP_MAX_SIZE_CONFIG = "group.max.size";
    public static final int GROUP_MAX_SIZE_DEFAULT = Integer.MAX_VALUE;
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG = "offsets.topic.num.partitions";
    public static final int OFFSETS_TOPIC_NUM_PARTITIONS_DEFAULT = 50;
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG = "offsets.topic.segment.bytes";
    /**
     * 4 MiB, not Kafka's 100 MiB: Keel preallocates every segment with real blocks, and 50 partitions of 100 MiB
     * would take 5 GiB of disk before the first commit. The snapshot scheme keeps the offsets logs small anyway.
     */
    public static final int OFFSETS_TOPIC_SEGMENT_BYTES_DEFAULT = 4 * 1024 * 1024;
    public static final String OFFSETS_RETENTION_MINUTES_CONFIG = "offsets.retention.minutes";
    public static final int OFFSETS_RETENTION_MINUTES_DEFAULT = 7 * 24 * 60;
    /**
     * Keel: offsets retention in milliseconds, for tests that cannot wait a minute; -1 (the default) leaves it to
     * {@code offsets.retention.minutes}, any other value (at least 1) overrides it. Kafka has no such key.
     */
    public static final String OFFSETS_RETENTION_MS_CONFIG = "keel.offsets.retention.ms";
    public static final long OFFSETS_RETENTION_MS_DEFAULT = -1L;
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG = "offsets.retention.check.interval.ms";
    public static final long OFFSETS_RETENTION_CHECK_INTERVAL_MS_DEFAULT = 600_000L;
    public static final String OFFSET_METADATA_MAX_BYTES_CONFIG = "offset.metadata.max.bytes";
    public static final int OFFSET_METADATA_MAX_BYTES_DEFAULT = 4096;
    /** Keel: the largest protocol metadata (sum over a member's protocols) a JoinGroup may carry. */
    public static final String GROUP_MAX_MEMBER_METADATA_BYTES_CONFIG = "keel.group.max.member.metadata.bytes";
    public static final int GROUP_MAX_MEMBER_METADATA_BYTES_DEFAULT = 256 * 1024;
    /** Keel: an offsets partition's log is snapshotted once it is larger than this and twice its live size. */
    public static final String OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG = "keel.offsets.snapshot.min.bytes";
    public static final long OFFSETS_SNAPSHOT_MIN_BYTES_DEFAULT = 8L * 1024 * 1024;

    private static final Map<String, String> KEYS = keysForValidation();
    private static final GroupConfig DEFAULTS = new GroupConfig(Collections.emptyMap());

    private final int minSessionTimeoutMs;
    private final int maxSessionTimeoutMs;
    private final int initialRebalanceDelayMs;
    private final int maxSize;
    private final int offsetsTopicNumPartitions;
    private final int offsetsTopicSegmentBytes;
    private final long offsetsRetentionMinutes;
    private final long offsetsRetentionMsOverride;
    private final long offsetsRetentionMs;
    private final long offsetsRetentionCheckIntervalMs;
    private final int offsetMetadataMaxBytes;
    private final int maxMemberMetadataBytes;
    private final long offsetsSnapshotMinBytes;

    private GroupConfig(final Map<String, String> props) {
        for (final String key : props.keySet()) {
            if (!KEYS.containsKey(key)) {
                throw new IllegalArgumentException("Unknown group configuration key " + key + " (known: "
                    + KEYS.keySet() + ")");
            }
        }
        minSessionTimeoutMs = (int) value(props, GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG,
            GROUP_MIN_SESSION_TIMEOUT_MS_DEFAULT, 0, Integer.MAX_VALUE);
        maxSessionTimeoutMs = (int) value(props, GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG,
            GROUP_MAX_SESSION_TIMEOUT_MS_DEFAULT, minSessionTimeoutMs, Integer.MAX_VALUE);
        initialRebalanceDelayMs = (int) value(props, GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG,
            GROUP_INITIAL_REBALANCE_DELAY_MS_DEFAULT, 0, Integer.MAX_VALUE);
        maxSize = (int) value(props, GROUP_MAX_SIZE_CONFIG, GROUP_MAX_SIZE_DEFAULT, 1, Integer.MAX_VALUE);
        offsetsTopicNumPartitions = (int) value(props, OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG,
            OFFSETS_TOPIC_NUM_PARTITIONS_DEFAULT, 1, Integer.MAX_VALUE);
        offsetsTopicSegmentBytes = (int) value(props, OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG,
            OFFSETS_TOPIC_SEGMENT_BYTES_DEFAULT, 1024, Integer.MAX_VALUE);
        offsetsRetentionMinutes = value(props, OFFSETS_RETENTION_MINUTES_CONFIG, OFFSETS_RETENTION_MINUTES_DEFAULT, 1,
            Integer.MAX_VALUE);
        offsetsRetentionMsOverride = value(props, OFFSETS_RETENTION_MS_CONFIG, OFFSETS_RETENTION_MS_DEFAULT, -1,
            Long.MAX_VALUE);
        if (offsetsRetentionMsOverride == 0) {
            throw new IllegalArgumentException("Invalid value 0 for configuration " + OFFSETS_RETENTION_MS_CONFIG
                + ": must be -1 (use " + OFFSETS_RETENTION_MINUTES_CONFIG + ") or at least 1");
        }
        offsetsRetentionMs = offsetsRetentionMsOverride > 0 ? offsetsRetentionMsOverride
            : 60_000L * offsetsRetentionMinutes;
        offsetsRetentionCheckIntervalMs = value(props, OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG,
            OFFSETS_RETENTION_CHECK_INTERVAL_MS_DEFAULT, 1, Long.MAX_VALUE);
        offsetMetadataMaxBytes = (int) value(props, OFFSET_METADATA_MAX_BYTES_CONFIG,
            OFFSET_METADATA_MAX_BYTES_DEFAULT, 0, Integer.MAX_VALUE);
        maxMemberMetadataBytes = (int) value(props, GROUP_MAX_MEMBER_METADATA_BYTES_CONFIG,
            GROUP_MAX_MEMBER_METADATA_BYTES_DEFAULT, 0, Integer.MAX_VALUE);
        offsetsSnapshotMinBytes = value(props, OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG,
            OFFSETS_SNAPSHOT_MIN_BYTES_DEFAULT, 0, Long.MAX_VALUE);
    }

    /**
     * @return the configuration with every key at its default.
     */
    public static GroupConfig defaults() {
        return DEFAULTS;
    }

    /**
     * @param props key to value; absent keys take their defaults.
     * @return the validated configuration.
     * @throws IllegalArgumentException naming the key, the value and the allowed range.
     */
    public static GroupConfig fromMap(final Map<String, String> props) {
        return new GroupConfig(props);
    }

    /**
     * @param key   a key of this class.
     * @param value its new value.
     * @return a new configuration with one key changed.
     */
    public GroupConfig with(final String key, final Object value) {
        final Map<String, String> merged = toMap();
        merged.put(key, String.valueOf(value));
        return new GroupConfig(merged);
    }

    /**
     * @return every key with its value, in a stable order.
     */
    public Map<String, String> toMap() {
        final Map<String, String> map = new LinkedHashMap<>();
        map.put(GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG, Integer.toString(minSessionTimeoutMs));
        map.put(GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG, Integer.toString(maxSessionTimeoutMs));
        map.put(GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, Integer.toString(initialRebalanceDelayMs));
        map.put(GROUP_MAX_SIZE_CONFIG, Integer.toString(maxSize));
        map.put(OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG, Integer.toString(offsetsTopicNumPartitions));
        map.put(OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG, Integer.toString(offsetsTopicSegmentBytes));
        map.put(OFFSETS_RETENTION_MINUTES_CONFIG, Long.toString(offsetsRetentionMinutes));
        map.put(OFFSETS_RETENTION_MS_CONFIG, Long.toString(offsetsRetentionMsOverride));
        map.put(OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG, Long.toString(offsetsRetentionCheckIntervalMs));
        map.put(OFFSET_METADATA_MAX_BYTES_CONFIG, Integer.toString(offsetMetadataMaxBytes));
        map.put(GROUP_MAX_MEMBER_METADATA_BYTES_CONFIG, Integer.toString(maxMemberMetadataBytes));
        map.put(OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG, Long.toString(offsetsSnapshotMinBytes));
        return map;
    }

    public int minSessionTimeoutMs() {
        return minSessionTimeoutMs;
    }

    public int maxSessionTimeoutMs() {
        return maxSessionTimeoutMs;
    }

    public int initialRebalanceDelayMs() {
        return initialRebalanceDelayMs;
    }

    public int maxSize() {
        return maxSize;
    }

    public int offsetsTopicNumPartitions() {
        return offsetsTopicNumPartitions;
    }

    public int offsetsTopicSegmentBytes() {
        return offsetsTopicSegmentBytes;
    }

    public long offsetsRetentionMs() {
        return offsetsRetentionMs;
    }

    public long offsetsRetentionCheckIntervalMs() {
        return offsetsRetentionCheckIntervalMs;
    }

    public int offsetMetadataMaxBytes() {
        return offsetMetadataMaxBytes;
    }

    public int maxMemberMetadataBytes() {
        return maxMemberMetadataBytes;
    }

    public long offsetsSnapshotMinBytes() {
        return offsetsSnapshotMinBytes;
    }

    private static Map<String, String> keysForValidation() {
        final Map<String, String> keys = new LinkedHashMap<>();
        for (final String key : new String[] {GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG, GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG,
            GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, GROUP_MAX_SIZE_CONFIG, OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG,
            OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG, OFFSETS_RETENTION_MINUTES_CONFIG, OFFSETS_RETENTION_MS_CONFIG,
            OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG, OFFSET_METADATA_MAX_BYTES_CONFIG,
            GROUP_MAX_MEMBER_METADATA_BYTES_CONFIG, OFFSETS_SNAPSHOT_MIN_BYTES_CONFIG}) {
            keys.put(key, "");
        }
        return keys;
    }

    private static long value(final Map<String, String> props, final String key, final long defaultValue,
                              final long min, final long max) {
        final String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        final long parsed;
        try {
            parsed = Long.parseLong(raw.trim());
        } catch (final NumberFormatException ex) {
            throw invalid(key, raw, "an integer in [" + min + ", " + max + "]");
        }
        if (parsed < min || parsed > max) {
            throw invalid(key, raw, "[" + min + ", " + max + "]");
        }
        return parsed;
    }

    private static IllegalArgumentException invalid(final String key, final String value, final String allowed) {
        return new IllegalArgumentException("Invalid value " + value + " for configuration " + key
            + ": allowed " + allowed);
    }
}
