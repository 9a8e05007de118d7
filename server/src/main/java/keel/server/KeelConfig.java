package keel.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import keel.log.LogConfig;
import keel.replication.ReplicationConfig;
import keel.server.group.GroupConfig;
import keel.server.network.NetworkConfig;

/**
 * The broker's configuration, with Apache Kafka's key names wherever the concept is the same. Immutable and
 * validated once at construction: a bad value fails with the key, the value and the allowed range (never a silent
 * clamp). The network layer's keys are validated by {@link NetworkConfig}. Keys the broker does not know are kept
 * in {@link #unknownKeys()} so that startup can report them. Thread-safe.
 */
public final class KeelConfig {
    public static final String BROKER_ID = "broker.id";
    public static final String NODE_ID = "node.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_DIR_MIN_FREE_BYTES = "log.dir.min.free.bytes";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final String BROKER_RACK = "broker.rack";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_HW_CHECKPOINT_INTERVAL_MS = "replica.high.watermark.checkpoint.interval.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";

    private static final Set<String> KNOWN = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
        BROKER_ID, NODE_ID, LISTENERS, ADVERTISED_LISTENERS, LOG_DIRS, LOG_DIR, LOG_SEGMENT_BYTES, LOG_ROLL_MS,
        LOG_ROLL_HOURS, LOG_RETENTION_MS, LOG_RETENTION_MINUTES, LOG_RETENTION_HOURS, LOG_RETENTION_BYTES,
        LOG_RETENTION_CHECK_INTERVAL_MS, LOG_FLUSH_INTERVAL_MESSAGES, LOG_FLUSH_INTERVAL_MS,
        LOG_FLUSH_SCHEDULER_INTERVAL_MS, LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, LOG_INDEX_INTERVAL_BYTES,
        LOG_INDEX_SIZE_MAX_BYTES, LOG_MESSAGE_TIMESTAMP_TYPE, LOG_CLEANUP_POLICY, LOG_DIR_MIN_FREE_BYTES,
        NUM_PARTITIONS, DEFAULT_REPLICATION_FACTOR, MIN_INSYNC_REPLICAS, AUTO_CREATE_TOPICS_ENABLE,
        DELETE_TOPIC_ENABLE, MESSAGE_MAX_BYTES, NUM_IO_THREADS, ZOOKEEPER_CONNECT, ZOOKEEPER_SESSION_TIMEOUT_MS,
        ZOOKEEPER_CONNECTION_TIMEOUT_MS, BROKER_RACK, UNCLEAN_LEADER_ELECTION_ENABLE, CONTROLLED_SHUTDOWN_ENABLE,
        REPLICA_LAG_TIME_MAX_MS, REPLICA_FETCH_MAX_BYTES, REPLICA_FETCH_BACKOFF_MS, REPLICA_FETCH_WAIT_MAX_MS,
        REPLICA_HW_CHECKPOINT_INTERVAL_MS, REPLICA_SOCKET_TIMEOUT_MS, OFFSETS_TOPIC_REPLICATION_FACTOR)));

    private final Map<String, String> props;
    private final int brokerId;
    private final String listenerHost;
    private final int listenerPort;
    private final String advertisedHost;
    private final int advertisedPort;
    private final Path logDir;
    private final LogConfig defaultLogConfig;
    private final long retentionCheckIntervalMs;
    private final long flushSchedulerIntervalMs;
    private final long checkpointIntervalMs;
    private final long minFreeBytes;
    private final int numPartitions;
    private final int defaultReplicationFactor;
    private final int minInSyncReplicas;
    private final boolean autoCreateTopics;
    private final boolean deleteTopicEnable;
    private final int numIoThreads;
    private final NetworkConfig networkConfig;
    private final GroupConfig groupConfig;
    private final String zookeeperConnect;
    private final int zookeeperSessionTimeoutMs;
    private final int zookeeperConnectionTimeoutMs;
    private final String brokerRack;
    private final boolean uncleanLeaderElection;
    private final boolean controlledShutdown;
    private final long replicaLagTimeMaxMs;
    private final ReplicationConfig replicationConfig;
    private final int replicaSocketTimeoutMs;
    private final int offsetsTopicReplicationFactor;

    private KeelConfig(final Map<String, String> raw) {
        this.props = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
        final int broker = (int) longValue(BROKER_ID, 0, 0, Integer.MAX_VALUE);
        if (props.containsKey(NODE_ID) && props.containsKey(BROKER_ID)
            && broker != longValue(NODE_ID, 0, 0, Integer.MAX_VALUE)) {
            throw invalid(NODE_ID, props.get(NODE_ID), "equal to " + BROKER_ID + "=" + broker + " when both are set");
        }
        brokerId = props.containsKey(NODE_ID) ? (int) longValue(NODE_ID, 0, 0, Integer.MAX_VALUE) : broker;

        final String listeners = props.getOrDefault(LISTENERS, "PLAINTEXT://127.0.0.1:9092").trim();
        final String[] listener = parseListener(LISTENERS, listeners);
        listenerHost = listener[0];
        listenerPort = Integer.parseInt(listener[1]);
        final String advertised = props.get(ADVERTISED_LISTENERS);
        if (advertised == null || advertised.isBlank()) {
            advertisedHost = listenerHost.isEmpty() || "0.0.0.0".equals(listenerHost) ? "localhost" : listenerHost;
            advertisedPort = listenerPort;
        } else {
            final String[] adv = parseListener(ADVERTISED_LISTENERS, advertised.trim());
            advertisedHost = adv[0];
            advertisedPort = Integer.parseInt(adv[1]);
        }

        final String dirs = props.containsKey(LOG_DIRS) ? props.get(LOG_DIRS) : props.getOrDefault(LOG_DIR, "./data");
        final String dirKey = props.containsKey(LOG_DIRS) ? LOG_DIRS : LOG_DIR;
        if (dirs.trim().isEmpty()) {
            throw invalid(dirKey, dirs, "one directory path");
        }
        if (dirs.contains(",")) {
            throw invalid(dirKey, dirs, "one directory (Keel does not support several log directories yet)");
        }
        logDir = Path.of(dirs.trim());

        final Map<String, String> log = new LinkedHashMap<>();
        log.put(LogConfig.SEGMENT_BYTES_CONFIG, Long.toString(longValue(LOG_SEGMENT_BYTES,
            LogConfig.SEGMENT_BYTES_DEFAULT, 14, Integer.MAX_VALUE)));
        if (props.containsKey(LOG_ROLL_MS)) {
            log.put(LogConfig.SEGMENT_MS_CONFIG, Long.toString(longValue(LOG_ROLL_MS, 0, 1, Long.MAX_VALUE)));
        } else if (props.containsKey(LOG_ROLL_HOURS)) {
            log.put(LogConfig.SEGMENT_MS_CONFIG,
                Long.toString(longValue(LOG_ROLL_HOURS, 0, 1, Integer.MAX_VALUE) * 3_600_000L));
        }
        log.put(LogConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs()));
        log.put(LogConfig.RETENTION_BYTES_CONFIG, Long.toString(longValue(LOG_RETENTION_BYTES, -1, -1,
            Long.MAX_VALUE)));
        log.put(LogConfig.FLUSH_MESSAGES_CONFIG, Long.toString(longValue(LOG_FLUSH_INTERVAL_MESSAGES, Long.MAX_VALUE,
            1, Long.MAX_VALUE)));
        log.put(LogConfig.FLUSH_MS_CONFIG, Long.toString(longValue(LOG_FLUSH_INTERVAL_MS, Long.MAX_VALUE, 0,
            Long.MAX_VALUE)));
        log.put(LogConfig.INDEX_INTERVAL_BYTES_CONFIG, Long.toString(longValue(LOG_INDEX_INTERVAL_BYTES,
            LogConfig.INDEX_INTERVAL_BYTES_DEFAULT, 0, Integer.MAX_VALUE)));
        log.put(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Long.toString(longValue(LOG_INDEX_SIZE_MAX_BYTES,
            LogConfig.SEGMENT_INDEX_BYTES_DEFAULT, 4, Integer.MAX_VALUE)));
        log.put(LogConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(longValue(MESSAGE_MAX_BYTES,
            LogConfig.MAX_MESSAGE_BYTES_DEFAULT, 0, Integer.MAX_VALUE)));
        final String timestampType = props.getOrDefault(LOG_MESSAGE_TIMESTAMP_TYPE, "CreateTime").trim();
        if (!"CreateTime".equals(timestampType) && !"LogAppendTime".equals(timestampType)) {
            throw invalid(LOG_MESSAGE_TIMESTAMP_TYPE, timestampType, "one of [CreateTime, LogAppendTime]");
        }
        log.put(LogConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, timestampType);
        final String cleanup = props.getOrDefault(LOG_CLEANUP_POLICY, "delete").trim().toLowerCase(Locale.ROOT);
        if (!"delete".equals(cleanup)) {
            throw invalid(LOG_CLEANUP_POLICY, cleanup, "[delete] (Keel has no log compaction)");
        }
        log.put(LogConfig.CLEANUP_POLICY_CONFIG, cleanup);
        defaultLogConfig = LogConfig.fromMap(log);

        retentionCheckIntervalMs = longValue(LOG_RETENTION_CHECK_INTERVAL_MS, 300_000L, 1, Long.MAX_VALUE);
        flushSchedulerIntervalMs = longValue(LOG_FLUSH_SCHEDULER_INTERVAL_MS, 1_000L, 1, Long.MAX_VALUE);
        checkpointIntervalMs = longValue(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, 60_000L, 1, Integer.MAX_VALUE);
        minFreeBytes = longValue(LOG_DIR_MIN_FREE_BYTES, 0, 0, Long.MAX_VALUE);
        numPartitions = (int) longValue(NUM_PARTITIONS, 1, 1, 1_000_000);
        final String connect = props.get(ZOOKEEPER_CONNECT);
        zookeeperConnect = connect == null || connect.isBlank() ? null : connect.trim();
        zookeeperSessionTimeoutMs = (int) longValue(ZOOKEEPER_SESSION_TIMEOUT_MS, 9_000, 1_000, Integer.MAX_VALUE);
        zookeeperConnectionTimeoutMs = (int) longValue(ZOOKEEPER_CONNECTION_TIMEOUT_MS, zookeeperSessionTimeoutMs,
            1, Integer.MAX_VALUE);
        final String rack = props.get(BROKER_RACK);
        brokerRack = rack == null || rack.isBlank() ? null : rack.trim();
        uncleanLeaderElection = booleanValue(UNCLEAN_LEADER_ELECTION_ENABLE, false);
        controlledShutdown = booleanValue(CONTROLLED_SHUTDOWN_ENABLE, true);
        replicaLagTimeMaxMs = longValue(REPLICA_LAG_TIME_MAX_MS, 30_000, 1, Long.MAX_VALUE);
        replicationConfig = new ReplicationConfig().replicaLagTimeMaxMs(replicaLagTimeMaxMs)
            .replicaFetchMaxBytes((int) longValue(REPLICA_FETCH_MAX_BYTES,
                ReplicationConfig.REPLICA_FETCH_MAX_BYTES_DEFAULT, 1, Integer.MAX_VALUE))
            .replicaFetchBackoffMs(longValue(REPLICA_FETCH_BACKOFF_MS,
                ReplicationConfig.REPLICA_FETCH_BACKOFF_MS_DEFAULT, 0, Long.MAX_VALUE))
            .replicaFetchWaitMaxMs(longValue(REPLICA_FETCH_WAIT_MAX_MS,
                ReplicationConfig.REPLICA_FETCH_WAIT_MAX_MS_DEFAULT, 0, Integer.MAX_VALUE))
            .highWatermarkCheckpointIntervalMs(longValue(REPLICA_HW_CHECKPOINT_INTERVAL_MS,
                ReplicationConfig.HW_CHECKPOINT_INTERVAL_MS_DEFAULT, 1, Long.MAX_VALUE));
        replicaSocketTimeoutMs = (int) longValue(REPLICA_SOCKET_TIMEOUT_MS, 30_000, 1, Integer.MAX_VALUE);
        if (replicaSocketTimeoutMs <= replicationConfig.replicaFetchWaitMaxMs()) {
            throw new IllegalArgumentException(REPLICA_SOCKET_TIMEOUT_MS + "=" + replicaSocketTimeoutMs
                + " must be larger than " + REPLICA_FETCH_WAIT_MAX_MS + "="
                + replicationConfig.replicaFetchWaitMaxMs());
        }
        offsetsTopicReplicationFactor = (int) longValue(OFFSETS_TOPIC_REPLICATION_FACTOR, 3, 1, Short.MAX_VALUE);
        // a single node has one replica of everything; a cluster (zookeeper.connect) may have more
        defaultReplicationFactor = (int) longValue(DEFAULT_REPLICATION_FACTOR, 1, 1,
            zookeeperConnect == null ? 1 : Short.MAX_VALUE);
        minInSyncReplicas = (int) longValue(MIN_INSYNC_REPLICAS, 1, 1, Short.MAX_VALUE);
        autoCreateTopics = booleanValue(AUTO_CREATE_TOPICS_ENABLE, true);
        deleteTopicEnable = booleanValue(DELETE_TOPIC_ENABLE, true);
        numIoThreads = (int) longValue(NUM_IO_THREADS, 8, 1, 256);
        networkConfig = NetworkConfig.fromMap(props);
        final Map<String, String> group = new LinkedHashMap<>();
        for (final String key : GroupConfig.defaults().toMap().keySet()) {
            if (props.containsKey(key)) {
                group.put(key, props.get(key).trim());
            }
        }
        groupConfig = GroupConfig.fromMap(group);
    }

    /**
     * @param props key to value.
     * @return the validated configuration.
     * @throws IllegalArgumentException naming the key, the value and the allowed range.
     */
    public static KeelConfig fromMap(final Map<String, String> props) {
        return new KeelConfig(props);
    }

    /**
     * Reads a properties file and applies {@code key=value} overrides on top.
     *
     * @param file      the properties file.
     * @param overrides overrides, in order.
     * @return the validated configuration.
     * @throws IOException if the file cannot be read.
     */
    public static KeelConfig load(final Path file, final Map<String, String> overrides) throws IOException {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        final Map<String, String> map = new LinkedHashMap<>();
        for (final String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name).trim());
        }
        map.putAll(overrides);
        return new KeelConfig(map);
    }

    /**
     * @return every key this configuration knows.
     */
    public static Set<String> knownKeys() {
        final Set<String> all = new TreeSet<>(KNOWN);
        all.addAll(NetworkConfig.keys());
        all.addAll(GroupConfig.defaults().toMap().keySet());
        return all;
    }

    /**
     * @return the keys given that the broker does not know (reported at startup, otherwise ignored).
     */
    public Set<String> unknownKeys() {
        final Set<String> unknown = new TreeSet<>(props.keySet());
        unknown.removeAll(KNOWN);
        unknown.removeAll(NetworkConfig.keys());
        unknown.removeAll(GroupConfig.defaults().toMap().keySet());
        return unknown;
    }

    /**
     * @return the keys and values as given.
     */
    public Map<String, String> originals() {
        return props;
    }

    public int brokerId() {
        return brokerId;
    }

    /**
     * @return the host to bind, empty for every interface.
     */
    public String listenerHost() {
        return listenerHost;
    }

    /**
     * @return the port to bind; 0 for an ephemeral port.
     */
    public int listenerPort() {
        return listenerPort;
    }

    /**
     * @return the host clients are told to connect to.
     */
    public String advertisedHost() {
        return advertisedHost;
    }

    /**
     * @return the port clients are told, 0 meaning the bound port.
     */
    public int advertisedPort() {
        return advertisedPort;
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * @return the topic-level configuration of a topic without overrides.
     */
    public LogConfig defaultLogConfig() {
        return defaultLogConfig;
    }

    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    public long flushSchedulerIntervalMs() {
        return flushSchedulerIntervalMs;
    }

    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public int defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public int minInSyncReplicas() {
        return minInSyncReplicas;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public boolean deleteTopicEnable() {
        return deleteTopicEnable;
    }

    public int numIoThreads() {
        return numIoThreads;
    }

    /**
     * @return the network layer's keys (listeners, socket.*, num.network.threads, connection limits).
     */
    /**
     * @return the group coordinator's keys (group.*, offsets.*, offset.metadata.max.bytes), validated.
     */
    public GroupConfig groupConfig() {
        return groupConfig;
    }

    /**
     * @return zookeeper.connect, or {@code null} in single-node mode (no ZooKeeper at all).
     */
    public String zookeeperConnect() {
        return zookeeperConnect;
    }

    public int zookeeperSessionTimeoutMs() {
        return zookeeperSessionTimeoutMs;
    }

    /**
     * @return zookeeper.connection.timeout.ms (default: the session timeout, as Kafka's).
     */
    public int zookeeperConnectionTimeoutMs() {
        return zookeeperConnectionTimeoutMs;
    }

    /**
     * @return broker.rack, or {@code null}.
     */
    public String brokerRack() {
        return brokerRack;
    }

    public boolean uncleanLeaderElection() {
        return uncleanLeaderElection;
    }

    public boolean controlledShutdown() {
        return controlledShutdown;
    }

    public long replicaLagTimeMaxMs() {
        return replicaLagTimeMaxMs;
    }

    /**
     * @return the replication settings (replica.lag.time.max.ms, replica.fetch.*, the HW checkpoint interval).
     */
    public ReplicationConfig replicationConfig() {
        return replicationConfig;
    }

    /**
     * @return replica.socket.timeout.ms: how long a follower waits for the leader's answer.
     */
    public int replicaSocketTimeoutMs() {
        return replicaSocketTimeoutMs;
    }

    /**
     * @return offsets.topic.replication.factor (capped by the live brokers when the topic is created, as a
     *     demanding user of a small test cluster expects).
     */
    public int offsetsTopicReplicationFactor() {
        return offsetsTopicReplicationFactor;
    }

    public NetworkConfig networkConfig() {
        return networkConfig;
    }

    private long retentionMs() {
        if (props.containsKey(LOG_RETENTION_MS)) {
            return longValue(LOG_RETENTION_MS, 0, -1, Long.MAX_VALUE);
        }
        if (props.containsKey(LOG_RETENTION_MINUTES)) {
            final long minutes = longValue(LOG_RETENTION_MINUTES, 0, -1, Integer.MAX_VALUE);
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        final long hours = longValue(LOG_RETENTION_HOURS, 168, -1, Integer.MAX_VALUE);
        return hours < 0 ? -1 : hours * 3_600_000L;
    }

    private static String[] parseListener(final String key, final String value) {
        final int scheme = value.indexOf("://");
        final int colon = value.lastIndexOf(':');
        if (value.contains(",") || scheme <= 0 || colon <= scheme + 2) {
            throw invalid(key, value, "one listener PLAINTEXT://host:port");
        }
        final String protocol = value.substring(0, scheme);
        if (!"PLAINTEXT".equals(protocol)) {
            throw invalid(key, value, "security protocol PLAINTEXT (Keel has no TLS or SASL yet)");
        }
        final String host = value.substring(scheme + 3, colon);
        final int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (final NumberFormatException ex) {
            throw invalid(key, value, "a port in [0, 65535]");
        }
        if (port < 0 || port > 65_535) {
            throw invalid(key, value, "a port in [0, 65535]");
        }
        return new String[] {host, Integer.toString(port)};
    }

    private boolean booleanValue(final String key, final boolean defaultValue) {
        final String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        final String value = raw.trim().toLowerCase(Locale.ROOT);
        if (!"true".equals(value) && !"false".equals(value)) {
            throw invalid(key, raw, "true or false");
        }
        return "true".equals(value);
    }

    private long longValue(final String key, final long defaultValue, final long min, final long max) {
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
        return new IllegalArgumentException("Invalid value " + value + " for configuration " + key + ": allowed "
            + allowed);
    }

    @Override
    public String toString() {
        return "KeelConfig" + props;
    }
}
