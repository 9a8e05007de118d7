package keel.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of one log (one partition), with Apache Kafka's topic-level key names and defaults. Immutable
 * and validated once at construction: a bad value fails fast with the key, the value and the allowed range,
 * never a silent clamp. Thread-safe.
 */
public final class LogConfig {
    public static final String SEGMENT_BYTES_CONFIG = "segment.bytes";
    public static final int SEGMENT_BYTES_DEFAULT = 1024 * 1024 * 1024;
    public static final String SEGMENT_BYTES_DOC = "Size of a segment file; the log rolls to a new one when full.";

    public static final String SEGMENT_MS_CONFIG = "segment.ms";
    public static final long SEGMENT_MS_DEFAULT = 7L * 24 * 60 * 60 * 1000;
    public static final String SEGMENT_MS_DOC = "Age after which a non-empty active segment is rolled.";

    public static final String SEGMENT_INDEX_BYTES_CONFIG = "segment.index.bytes";
    public static final int SEGMENT_INDEX_BYTES_DEFAULT = 10 * 1024 * 1024;
    public static final String SEGMENT_INDEX_BYTES_DOC = "Size of each index file; a full index rolls the segment.";

    public static final String INDEX_INTERVAL_BYTES_CONFIG = "index.interval.bytes";
    public static final int INDEX_INTERVAL_BYTES_DEFAULT = 4096;
    public static final String INDEX_INTERVAL_BYTES_DOC = "Bytes of log between two offset index entries.";

    public static final String MAX_MESSAGE_BYTES_CONFIG = "max.message.bytes";
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 1024 * 1024 + 12;
    public static final String MAX_MESSAGE_BYTES_DOC = "Largest record batch the log accepts.";

    public static final String RETENTION_BYTES_CONFIG = "retention.bytes";
    public static final long RETENTION_BYTES_DEFAULT = -1L;
    public static final String RETENTION_BYTES_DOC = "Size above which whole old segments are deleted; -1: none.";

    public static final String RETENTION_MS_CONFIG = "retention.ms";
    public static final long RETENTION_MS_DEFAULT = 7L * 24 * 60 * 60 * 1000;
    public static final String RETENTION_MS_DOC = "Age after which whole old segments are deleted; -1: never.";

    public static final String FLUSH_MESSAGES_CONFIG = "flush.messages";
    public static final long FLUSH_MESSAGES_DEFAULT = Long.MAX_VALUE;
    public static final String FLUSH_MESSAGES_DOC = "Records appended between two fsyncs (default: never).";

    public static final String FLUSH_MS_CONFIG = "flush.ms";
    public static final long FLUSH_MS_DEFAULT = Long.MAX_VALUE;
    public static final String FLUSH_MS_DOC = "Milliseconds between two fsyncs (default: never).";

    public static final String MESSAGE_TIMESTAMP_TYPE_CONFIG = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_TYPE_DEFAULT = "CreateTime";
    public static final String MESSAGE_TIMESTAMP_TYPE_DOC = "CreateTime keeps the producer's timestamps; "
        + "LogAppendTime stamps every batch with the broker's clock.";

    public static final String FILE_DELETE_DELAY_MS_CONFIG = "file.delete.delay.ms";
    public static final long FILE_DELETE_DELAY_MS_DEFAULT = 60000L;
    public static final String FILE_DELETE_DELAY_MS_DOC = "Accepted for Kafka compatibility. Keel deletes a "
        + "segment's files as soon as the last reader releases it, so no delay is needed.";

    public static final String CLEANUP_POLICY_CONFIG = "cleanup.policy";
    public static final String CLEANUP_POLICY_DEFAULT = "delete";
    public static final String CLEANUP_POLICY_DOC = "Only 'delete' (retention by time and size): Keel has no "
        + "log compaction, so 'compact' is refused rather than silently ignored.";

    private static final Set<String> KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
        
        SEGMENT_BYTES_CONFIG, SEGMENT_MS_CONFIG, SEGMENT_INDEX_BYTES_CONFIG, INDEX_INTERVAL_BYTES_CONFIG,
        MAX_MESSAGE_BYTES_CONFIG, RETENTION_BYTES_CONFIG, RETENTION_MS_CONFIG, FLUSH_MESSAGES_CONFIG, FLUSH_MS_CONFIG,
        MESSAGE_TIMESTAMP_TYPE_CONFIG, FILE_DELETE_DELAY_MS_CONFIG, CLEANUP_POLICY_CONFIG)));

    private static final LogConfig DEFAULTS = new LogConfig(Collections.emptyMap());

    private final int segmentBytes;
    private final long segmentMs;
    private final int segmentIndexBytes;
    private final int indexIntervalBytes;
    private final int maxMessageBytes;
    private final long retentionBytes;
    private final long retentionMs;
    private final long flushMessages;
    private final long flushMs;
    private final boolean logAppendTime;
    private final long fileDeleteDelayMs;
    private final String cleanupPolicy;

    private LogConfig(final Map<String, String> props) {
        for (final String key : props.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown log configuration key " + key + " (known: " + keys() + ")");
            }
        }
        segmentBytes = intValue(props, SEGMENT_BYTES_CONFIG, SEGMENT_BYTES_DEFAULT, 128, Integer.MAX_VALUE);
        segmentMs = longValue(props, SEGMENT_MS_CONFIG, SEGMENT_MS_DEFAULT, 1, Long.MAX_VALUE);
        segmentIndexBytes = intValue(props, SEGMENT_INDEX_BYTES_CONFIG, SEGMENT_INDEX_BYTES_DEFAULT, 12,
            Integer.MAX_VALUE);
        indexIntervalBytes = intValue(props, INDEX_INTERVAL_BYTES_CONFIG, INDEX_INTERVAL_BYTES_DEFAULT, 0,
            Integer.MAX_VALUE);
        maxMessageBytes = intValue(props, MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES_DEFAULT, 0, Integer.MAX_VALUE);
        retentionBytes = longValue(props, RETENTION_BYTES_CONFIG, RETENTION_BYTES_DEFAULT, -1, Long.MAX_VALUE);
        retentionMs = longValue(props, RETENTION_MS_CONFIG, RETENTION_MS_DEFAULT, -1, Long.MAX_VALUE);
        flushMessages = longValue(props, FLUSH_MESSAGES_CONFIG, FLUSH_MESSAGES_DEFAULT, 1, Long.MAX_VALUE);
        flushMs = longValue(props, FLUSH_MS_CONFIG, FLUSH_MS_DEFAULT, 0, Long.MAX_VALUE);
        fileDeleteDelayMs = longValue(props, FILE_DELETE_DELAY_MS_CONFIG, FILE_DELETE_DELAY_MS_DEFAULT, 0,
            Long.MAX_VALUE);
        final String timestampType = props.getOrDefault(MESSAGE_TIMESTAMP_TYPE_CONFIG, MESSAGE_TIMESTAMP_TYPE_DEFAULT);
        if (!"CreateTime".equals(timestampType) && !"LogAppendTime".equals(timestampType)) {
            throw invalid(MESSAGE_TIMESTAMP_TYPE_CONFIG, timestampType, "one of [CreateTime, LogAppendTime]");
        }
        logAppendTime = "LogAppendTime".equals(timestampType);
        cleanupPolicy = props.getOrDefault(CLEANUP_POLICY_CONFIG, CLEANUP_POLICY_DEFAULT).trim()
            .toLowerCase(Locale.ROOT);
        if (!"delete".equals(cleanupPolicy)) {
            throw invalid(CLEANUP_POLICY_CONFIG, cleanupPolicy, "[delete] (Keel has no log compaction)");
        }
    }

    /**
     * @return the configuration with every key at Kafka's default.
     */
    public static LogConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Builds a configuration from Kafka topic-level keys; absent keys take their defaults.
     *
     * @param props key to value, as in a properties file.
     * @return the validated configuration.
     * @throws IllegalArgumentException naming the key, the value and the allowed range for an unknown key or a
     *                                  bad value.
     */
    public static LogConfig fromMap(final Map<String, String> props) {
        return new LogConfig(props);
    }

    /**
     * @param overrides keys to change.
     * @return a new configuration with the overrides applied on top of this one.
     */
    public LogConfig with(final Map<String, String> overrides) {
        final Map<String, String> merged = toMap();
        merged.putAll(overrides);
        return new LogConfig(merged);
    }

    /**
     * @param key   a key of {@link #keys()}.
     * @param value its new value.
     * @return a new configuration with one key changed.
     */
    public LogConfig with(final String key, final Object value) {
        return with(Map.of(key, String.valueOf(value)));
    }

    /**
     * @return every key with its value as a string, in a stable order.
     */
    public Map<String, String> toMap() {
        final Map<String, String> map = new LinkedHashMap<>();
        map.put(SEGMENT_BYTES_CONFIG, Integer.toString(segmentBytes));
        map.put(SEGMENT_MS_CONFIG, Long.toString(segmentMs));
        map.put(SEGMENT_INDEX_BYTES_CONFIG, Integer.toString(segmentIndexBytes));
        map.put(INDEX_INTERVAL_BYTES_CONFIG, Integer.toString(indexIntervalBytes));
        map.put(MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        map.put(RETENTION_BYTES_CONFIG, Long.toString(retentionBytes));
        map.put(RETENTION_MS_CONFIG, Long.toString(retentionMs));
        map.put(FLUSH_MESSAGES_CONFIG, Long.toString(flushMessages));
        map.put(FLUSH_MS_CONFIG, Long.toString(flushMs));
        map.put(MESSAGE_TIMESTAMP_TYPE_CONFIG, logAppendTime ? "LogAppendTime" : "CreateTime");
        map.put(FILE_DELETE_DELAY_MS_CONFIG, Long.toString(fileDeleteDelayMs));
        map.put(CLEANUP_POLICY_CONFIG, cleanupPolicy);
        return map;
    }

    /**
     * @return every key this configuration knows.
     */
    public static Set<String> keys() {
        return KEYS;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public int segmentIndexBytes() {
        return segmentIndexBytes;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public long retentionBytes() {
        return retentionBytes;
    }

    public long retentionMs() {
        return retentionMs;
    }

    public long flushMessages() {
        return flushMessages;
    }

    public long flushMs() {
        return flushMs;
    }

    /**
     * @return true when the log stamps batches with its own clock (LogAppendTime).
     */
    public boolean messageTimestampTypeLogAppend() {
        return logAppendTime;
    }

    public long fileDeleteDelayMs() {
        return fileDeleteDelayMs;
    }

    public String cleanupPolicy() {
        return cleanupPolicy;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof LogConfig && toMap().equals(((LogConfig) o).toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "LogConfig" + toMap();
    }

    private static int intValue(final Map<String, String> props, final String key, final int defaultValue,
                                final int min, final int max) {
        return (int) longValue(props, key, defaultValue, min, max);
    }

    private static long longValue(final Map<String, String> props, final String key, final long defaultValue,
                                  final long min, final long max) {
        final String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        final long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (final NumberFormatException ex) {
            throw invalid(key, raw, "an integer in [" + min + ", " + max + "]");
        }
        if (value < min || value > max) {
            throw invalid(key, raw, "[" + min + ", " + max + "]");
        }
        return value;
    }

    private static IllegalArgumentException invalid(final String key, final String value, final String allowed) {
        return new IllegalArgumentException("Invalid value " + value + " for configuration " + key
            + ": allowed " + allowed);
    }
}
