package keel.server.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogManager;
import keel.replication.Partition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of a single-node broker: creation, deletion, partition growth and topic-level configuration, persisted
 * in the {@link TopicRegistryFile} and, like Kafka, in each partition directory's {@value #PARTITION_METADATA} file
 * ("version: 0", "topic_id: ..."). Owns the {@link Partition} of every partition.
 *
 * <p>Thread-safe: lookups are lock-free (concurrent maps of immutable {@link Topic} snapshots); changes are
 * serialised by the instance lock and persisted before they become visible.
 */
public final class TopicManager implements TopicCommands {
    /** Kafka's per-partition file holding the topic id. */
    public static final String PARTITION_METADATA = "partition.metadata";
    /** The one topic-level key that is not a log key: acks=all needs this many in-sync replicas. */
    public static final String MIN_INSYNC_REPLICAS_CONFIG = "min.insync.replicas";

    private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);

    private final LogManager logs;
    private final TopicRegistryFile registry;
    private final LogConfig defaults;
    private final int brokerId;
    private final int defaultPartitions;
    private final int defaultReplicationFactor;
    private final int defaultMinInSyncReplicas;
    private final Partition.Listener listener;
    private final PartitionFactory factory;
    private final boolean clusterMode;
    private final Map<String, Topic> byName = new ConcurrentHashMap<>();
    private final Map<UUID, Topic> byId = new ConcurrentHashMap<>();

    /**
     * A topic and its partitions, immutable; a change replaces it.
     */
    public static final class Topic {
        private final TopicInfo info;
        private final LogConfig logConfig;
        private final int minInSyncReplicas;
        private final Partition[] partitions;

        Topic(final TopicInfo info, final LogConfig logConfig, final int minInSyncReplicas,
              final Partition[] partitions) {
            this.info = info;
            this.logConfig = logConfig;
            this.minInSyncReplicas = minInSyncReplicas;
            this.partitions = partitions;
        }

        public TopicInfo info() {
            return info;
        }

        public String name() {
            return info.name();
        }

        public UUID id() {
            return info.id();
        }

        public LogConfig logConfig() {
            return logConfig;
        }

        public int minInSyncReplicas() {
            return minInSyncReplicas;
        }

        public int partitionCount() {
            return partitions.length;
        }

        /**
         * @param index a partition number.
         * @return the partition, or null when out of range or (in a cluster) not hosted by this broker.
         */
        public Partition partition(final int index) {
            return index >= 0 && index < partitions.length ? partitions[index] : null;
        }
    }

    /**
     * Makes the replica of a partition over its opened log.
     */
    @FunctionalInterface
    public interface PartitionFactory {
        /**
         * @param log the partition's log.
         * @return its replica.
         * @throws IOException if replication state files cannot be read.
         */
        Partition open(Log log) throws IOException;
    }

    private TopicManager(final LogManager logs, final LogConfig defaults, final int brokerId,
                         final int defaultPartitions, final int defaultReplicationFactor,
                         final int defaultMinInSyncReplicas, final Partition.Listener listener,
                         final PartitionFactory factory, final boolean clusterMode) {
        this.logs = logs;
        this.registry = new TopicRegistryFile(logs.dataDir());
        this.defaults = defaults;
        this.brokerId = brokerId;
        this.defaultPartitions = defaultPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.defaultMinInSyncReplicas = defaultMinInSyncReplicas;
        this.listener = listener;
        this.factory = factory;
        this.clusterMode = clusterMode;
    }

    /**
     * Reads the topic registry of a data directory, for the log configurations {@link LogManager#open} needs.
     *
     * @param dataDir  the data directory.
     * @param defaults the broker's default log configuration.
     * @return the log configuration of every registered topic.
     * @throws IOException if the registry cannot be read.
     */
    public static Map<String, LogConfig> readLogConfigs(final Path dataDir, final LogConfig defaults)
        throws IOException {
        final Map<String, LogConfig> configs = new LinkedHashMap<>();
        for (final TopicInfo info : new TopicRegistryFile(dataDir).read().values()) {
            configs.put(info.name(), defaults.with(logOverrides(info.configOverrides())));
        }
        return configs;
    }

    /**
     * Loads the registered topics over the logs the log manager opened: missing partitions are created, and
     * partition directories of unregistered topics (a crash during a change, or a directory copied in) are adopted
     * under the id their {@value #PARTITION_METADATA} names, never deleted.
     *
     * @param logs                     the open log manager.
     * @param defaults                 the broker's default log configuration.
     * @param brokerId                 this broker.
     * @param defaultPartitions        num.partitions.
     * @param defaultReplicationFactor default.replication.factor.
     * @param defaultMinInSyncReplicas min.insync.replicas.
     * @param listener                 told of every append and high-watermark advance of every partition.
     * @return the manager.
     * @throws IOException if the registry or a partition cannot be read or written.
     */
    public static TopicManager load(final LogManager logs, final LogConfig defaults, final int brokerId,
                                    final int defaultPartitions, final int defaultReplicationFactor,
                                    final int defaultMinInSyncReplicas, final Partition.Listener listener)
        throws IOException {
        final TopicManager manager = new TopicManager(logs, defaults, brokerId, defaultPartitions,
            defaultReplicationFactor, defaultMinInSyncReplicas, listener,
            log -> new Partition(log, brokerId, 0, listener), false);
        manager.loadTopics();
        return manager;
    }

    /**
     * Loads the topics of a broker in a cluster: like {@link #load}, but only the partitions whose directories exist
     * are opened, each by {@code factory} (a replica with no role until the controller's state reaches it), and topic
     * changes come from the cluster ({@link #applyTopic}, {@link #host}, {@link #unhost}, {@link #forget}), not from
     * {@link #createTopic} and its siblings.
     *
     * @param logs                     the open log manager.
     * @param defaults                 the broker's default log configuration.
     * @param brokerId                 this broker.
     * @param defaultPartitions        num.partitions.
     * @param defaultReplicationFactor default.replication.factor.
     * @param defaultMinInSyncReplicas min.insync.replicas.
     * @param listener                 told of every append and high-watermark advance of every partition.
     * @param factory                  opens the replica of a partition.
     * @return the manager.
     * @throws IOException if the registry or a partition cannot be read.
     */
    public static TopicManager loadForCluster(final LogManager logs, final LogConfig defaults, final int brokerId,
                                              final int defaultPartitions, final int defaultReplicationFactor,
                                              final int defaultMinInSyncReplicas, final Partition.Listener listener,
                                              final PartitionFactory factory) throws IOException {
        final TopicManager manager = new TopicManager(logs, defaults, brokerId, defaultPartitions,
            defaultReplicationFactor, defaultMinInSyncReplicas, listener, factory, true);
        manager.loadTopics();
        return manager;
    }

    /**
     * @return whether topics come from the cluster.
     */
    public boolean clusterMode() {
        return clusterMode;
    }

    /**
     * Records a topic as the cluster describes it (cluster mode): a new topic, more partitions or other
     * configuration overrides. No partition is opened here ({@link #host} does). A topic known under another id
     * (deleted and re-created while this broker did not see it) is forgotten first, its local files deleted.
     *
     * @param info the topic.
     * @throws IOException if the registry or a log cannot be changed.
     */
    public synchronized void applyTopic(final TopicInfo info) throws IOException {
        Topic existing = byName.get(info.name());
        if (existing != null && !existing.id().equals(info.id())) {
            LOG.info("Topic {} was re-created with id {}: deleting the local files of id {}", info.name(),
                TopicId.toText(info.id()), TopicId.toText(existing.id()));
            forget(info.name());
            existing = null;
        }
        if (existing != null && existing.partitionCount() >= info.partitionCount()
            && existing.info().configOverrides().equals(info.configOverrides())) {
            return;
        }
        checkConfigs(info.name(), info.configOverrides());
        final TopicInfo merged = existing == null || existing.partitionCount() <= info.partitionCount() ? info
            : info.withPartitionCount(existing.partitionCount());
        persist(merged);
        final LogConfig logConfig = defaults.with(logOverrides(merged.configOverrides()));
        final Partition[] partitions = new Partition[merged.partitionCount()];
        if (existing != null) {
            for (int p = 0; p < existing.partitionCount(); p++) {
                partitions[p] = existing.partition(p);
                if (partitions[p] != null) {
                    partitions[p].log().updateConfig(logConfig);
                }
            }
        }
        publish(new Topic(merged, logConfig, minInSyncReplicas(merged.configOverrides()), partitions));
    }

    /**
     * Opens (creating if needed) the local replica of a partition of a known topic (cluster mode).
     *
     * @param name      the topic.
     * @param partition the partition.
     * @return the replica.
     * @throws IOException if the log cannot be opened.
     * @throws IllegalArgumentException if the topic or partition is unknown.
     */
    public synchronized Partition host(final String name, final int partition) throws IOException {
        final Topic topic = byName.get(name);
        if (topic == null || partition < 0 || partition >= topic.partitionCount()) {
            throw new IllegalArgumentException("Unknown partition " + name + "-" + partition);
        }
        final Partition hosted = topic.partition(partition);
        if (hosted != null) {
            return hosted;
        }
        final Log log = logs.getOrCreate(name, partition, topic.logConfig());
        writePartitionMetadata(log.dir(), topic.id());
        final Partition replica = factory.open(log);
        final Partition[] partitions = topic.partitions.clone();
        partitions[partition] = replica;
        publish(new Topic(topic.info(), topic.logConfig(), topic.minInSyncReplicas(), partitions));
        return replica;
    }

    /**
     * Deletes the local replica of a partition (cluster mode: the partition was moved off this broker or deleted);
     * the replica must be stopped first.
     *
     * @param name      the topic.
     * @param partition the partition.
     * @throws IOException if the files cannot be deleted.
     */
    public synchronized void unhost(final String name, final int partition) throws IOException {
        final Topic topic = byName.get(name);
        if (topic == null || topic.partition(partition) == null) {
            return;
        }
        final Partition[] partitions = topic.partitions.clone();
        final Partition removed = partitions[partition];
        partitions[partition] = null;
        publish(new Topic(topic.info(), topic.logConfig(), topic.minInSyncReplicas(), partitions));
        logs.delete(name, partition);
        listener.onLogChange(removed);
    }

    /**
     * Forgets a topic the cluster deleted: its local replicas (stopped first by the caller) and files go.
     *
     * @param name the topic.
     * @throws IOException if the registry or the files cannot be changed.
     */
    public synchronized void forget(final String name) throws IOException {
        if (byName.containsKey(name)) {
            remove(byName.get(name));
            LOG.info("Deleted the local files of topic {}", name);
        }
    }

    /** Unregisters a topic and deletes the files of its local partitions. */
    private void remove(final Topic topic) throws IOException {
        final Map<String, TopicInfo> remaining = infos();
        remaining.remove(topic.name());
        registry.write(remaining.values());
        byName.remove(topic.name());
        byId.remove(topic.id());
        for (int p = 0; p < topic.partitionCount(); p++) {
            if (topic.partition(p) != null) {
                logs.delete(topic.name(), p);
                listener.onLogChange(topic.partition(p));
            }
        }
    }

    private synchronized void loadTopics() throws IOException {
        final Map<String, TopicInfo> topics = registry.read();
        final Map<String, Integer> orphans = new TreeMap<>();
        for (final Log log : logs.logs()) {
            if (!topics.containsKey(log.topic())) {
                orphans.merge(log.topic(), log.partition() + 1, Math::max);
            }
        }
        for (final Map.Entry<String, Integer> orphan : orphans.entrySet()) {
            UUID id = readPartitionTopicId(logs.dataDir().resolve(orphan.getKey() + "-0"));
            if (id == null) {
                id = TopicId.random();
            }
            LOG.warn("Adopting partition directories of unregistered topic {} ({} partitions, id {})",
                orphan.getKey(), orphan.getValue(), TopicId.toText(id));
            topics.put(orphan.getKey(), new TopicInfo(orphan.getKey(), id, orphan.getValue(), Map.of()));
        }
        if (!orphans.isEmpty()) {
            registry.write(topics.values());
        }
        for (final TopicInfo info : topics.values()) {
            publish(open(info, 0, null));
        }
        LOG.info("Loaded {} topics from {}", topics.size(), logs.dataDir());
    }

    /**
     * @param name a topic name.
     * @return the topic, or null.
     */
    public Topic topic(final String name) {
        return name == null ? null : byName.get(name);
    }

    /**
     * @param id a topic id.
     * @return the topic, or null.
     */
    public Topic topic(final UUID id) {
        return byId.get(id);
    }

    /**
     * @return every topic.
     */
    public Collection<Topic> topics() {
        return new ArrayList<>(byName.values());
    }

    public int brokerId() {
        return brokerId;
    }

    public Path dataDir() {
        return logs.dataDir();
    }

    public LogConfig defaults() {
        return defaults;
    }

    public int defaultMinInSyncReplicas() {
        return defaultMinInSyncReplicas;
    }

    /**
     * Creates a topic.
     *
     * @param name              its name.
     * @param partitions        the partition count, or -1 for num.partitions.
     * @param replicationFactor the replication factor, or -1 for default.replication.factor.
     * @param configs           topic-level configuration overrides.
     * @param validateOnly      check only, create nothing.
     * @return the (would-be) topic's info.
     * @throws TopicException for a client-caused refusal.
     * @throws IOException    if the registry or a log cannot be written.
     */
    @Override
    public synchronized TopicInfo createTopic(final String name, final int partitions, final int replicationFactor,
                                              final Map<String, String> configs, final boolean validateOnly)
        throws IOException {
        if (clusterMode) {
            throw new IllegalStateException("Topics of a broker in a cluster are created through the controller");
        }
        final int count = checkNewTopic(name, partitions, configs);
        final int replicas = replicationFactor == -1 ? defaultReplicationFactor : replicationFactor;
        if (replicas != 1) {
            throw new TopicException(TopicErrors.INVALID_REPLICATION_FACTOR, "Replication factor " + replicas
                + " for topic " + name + " is larger than the 1 available broker");
        }
        final TopicInfo info = new TopicInfo(name, TopicId.random(), count, configs);
        if (validateOnly) {
            return info;
        }
        // registry first: a crash after it re-creates the missing partitions at startup
        persist(info);
        publish(open(info, 0, null));
        LOG.info("Created topic {} with {} partitions, id {}", name, count, TopicId.toText(info.id()));
        return info;
    }

    /**
     * Deletes a topic and its files.
     *
     * @param name the topic.
     * @return the deleted topic's info.
     * @throws TopicException when the topic does not exist.
     * @throws IOException    if the registry or the files cannot be changed.
     */
    @Override
    public synchronized TopicInfo deleteTopic(final String name) throws IOException {
        final Topic topic = byName.get(name);
        if (topic == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        remove(topic);
        LOG.info("Deleted topic {}", name);
        return topic.info();
    }

    /**
     * Grows a topic to {@code count} partitions.
     *
     * @param name         the topic.
     * @param count        the new total.
     * @param validateOnly check only.
     * @return the topic's new info.
     * @throws TopicException when the topic does not exist or the count does not grow.
     * @throws IOException    if the registry or a log cannot be written.
     */
    @Override
    public synchronized TopicInfo createPartitions(final String name, final int count, final boolean validateOnly)
        throws IOException {
        final Topic topic = byName.get(name);
        if (topic == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        if (count <= topic.partitionCount()) {
            throw new TopicException(TopicErrors.INVALID_PARTITIONS, "Topic " + name + " currently has "
                + topic.partitionCount() + " partitions, " + count + " would not be an increase.");
        }
        final TopicInfo info = topic.info().withPartitionCount(count);
        if (validateOnly) {
            return info;
        }
        persist(info);
        publish(open(info, topic.partitionCount(), topic));
        LOG.info("Topic {} grown to {} partitions", name, count);
        return info;
    }

    /**
     * Changes topic-level configuration.
     *
     * @param name         the topic.
     * @param set          keys to set.
     * @param delete       keys to return to the broker default.
     * @param validateOnly check only.
     * @return the topic's new info.
     * @throws TopicException when the topic does not exist or a value is refused.
     * @throws IOException    if the registry cannot be written.
     */
    @Override
    public synchronized TopicInfo alterConfigs(final String name, final Map<String, String> set,
                                               final Set<String> delete, final boolean validateOnly)
        throws IOException {
        final Topic topic = byName.get(name);
        if (topic == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        final Map<String, String> overrides = new LinkedHashMap<>(topic.info().configOverrides());
        overrides.keySet().removeAll(delete);
        overrides.putAll(set);
        checkConfigs(name, overrides);
        final TopicInfo info = topic.info().withConfigOverrides(overrides);
        if (validateOnly) {
            return info;
        }
        persist(info);
        final LogConfig logConfig = defaults.with(logOverrides(overrides));
        for (int p = 0; p < topic.partitionCount(); p++) {
            if (topic.partition(p) != null) {
                topic.partition(p).log().updateConfig(logConfig);
            }
        }
        publish(new Topic(info, logConfig, minInSyncReplicas(overrides), topic.partitions));
        LOG.info("Topic {} configuration overrides now {}", name, overrides);
        return info;
    }

    /**
     * Checks a topic creation as {@link #createTopic} does, without the replication factor (which the cluster
     * checks against its live brokers).
     *
     * @param name       the topic.
     * @param partitions the partition count, or -1 for num.partitions.
     * @param configs    configuration overrides.
     * @return the partition count.
     * @throws TopicException for a client-caused refusal.
     */
    public int checkNewTopic(final String name, final int partitions, final Map<String, String> configs) {
        final String invalid = TopicNames.invalidReason(name);
        if (invalid != null) {
            throw new TopicException(TopicErrors.INVALID_TOPIC, invalid);
        }
        if (byName.containsKey(name)) {
            throw new TopicException(TopicErrors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        final int count = partitions == -1 ? defaultPartitions : partitions;
        if (count < 1) {
            throw new TopicException(TopicErrors.INVALID_PARTITIONS, "Number of partitions must be larger than 0 "
                + "(got " + partitions + ") for topic " + name);
        }
        checkConfigs(name, configs);
        return count;
    }

    /**
     * @return default.replication.factor.
     */
    public int defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    /**
     * @param name    the topic.
     * @param configs topic-level configuration overrides.
     * @throws TopicException (INVALID_CONFIG) when a value is refused.
     */
    public void checkConfigs(final String name, final Map<String, String> configs) {
        try {
            defaults.with(logOverrides(configs));
        } catch (final IllegalArgumentException ex) {
            throw new TopicException(TopicErrors.INVALID_CONFIG, ex.getMessage() + " (topic " + name + ")");
        }
        final String minIsr = configs.get(MIN_INSYNC_REPLICAS_CONFIG);
        if (minIsr != null) {
            try {
                if (Integer.parseInt(minIsr.trim()) < 1) {
                    throw new NumberFormatException(minIsr);
                }
            } catch (final NumberFormatException ex) {
                throw new TopicException(TopicErrors.INVALID_CONFIG, "Invalid value " + minIsr + " for configuration "
                    + MIN_INSYNC_REPLICAS_CONFIG + ": allowed [1, " + Integer.MAX_VALUE + "] (topic " + name + ")");
            }
        }
    }

    private static Map<String, String> logOverrides(final Map<String, String> configs) {
        final Map<String, String> log = new LinkedHashMap<>(configs);
        log.remove(MIN_INSYNC_REPLICAS_CONFIG);
        return log;
    }

    private int minInSyncReplicas(final Map<String, String> overrides) {
        final String value = overrides.get(MIN_INSYNC_REPLICAS_CONFIG);
        return value == null ? defaultMinInSyncReplicas : Integer.parseInt(value.trim());
    }

    private Map<String, TopicInfo> infos() {
        final Map<String, TopicInfo> all = new TreeMap<>();
        for (final Topic topic : byName.values()) {
            all.put(topic.name(), topic.info());
        }
        return all;
    }

    private void persist(final TopicInfo info) throws IOException {
        final Map<String, TopicInfo> all = infos();
        all.put(info.name(), info);
        registry.write(all.values());
    }

    private Topic open(final TopicInfo info, final int from, final Topic existing) throws IOException {
        final LogConfig logConfig = defaults.with(logOverrides(info.configOverrides()));
        final Partition[] partitions = new Partition[info.partitionCount()];
        for (int p = 0; p < from; p++) {
            partitions[p] = existing.partition(p);
        }
        for (int p = from; p < partitions.length; p++) {
            // in a cluster only the partitions assigned here have directories; the others stay null
            final Log log = clusterMode ? logs.get(info.name(), p) : logs.getOrCreate(info.name(), p, logConfig);
            if (log == null) {
                continue;
            }
            writePartitionMetadata(log.dir(), info.id());
            partitions[p] = factory.open(log);
        }
        return new Topic(info, logConfig, minInSyncReplicas(info.configOverrides()), partitions);
    }

    private void publish(final Topic topic) {
        byName.put(topic.name(), topic);
        byId.put(topic.id(), topic);
    }

    private static void writePartitionMetadata(final Path dir, final UUID id) throws IOException {
        final UUID existing = readPartitionTopicId(dir);
        if (id.equals(existing)) {
            return;
        }
        if (existing != null) {
            throw new IOException("Partition directory " + dir + " belongs to topic id " + TopicId.toText(existing)
                + ", not " + TopicId.toText(id) + "; move it away or fix " + TopicRegistryFile.FILE_NAME);
        }
        AtomicFile.write(dir.resolve(PARTITION_METADATA),
            ("version: 0\ntopic_id: " + TopicId.toText(id) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static UUID readPartitionTopicId(final Path dir) throws IOException {
        final List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(PARTITION_METADATA), StandardCharsets.UTF_8);
        } catch (final NoSuchFileException ex) {
            return null;
        }
        for (final String line : lines) {
            if (line.startsWith("topic_id:")) {
                try {
                    return TopicId.fromText(line.substring("topic_id:".length()).trim());
                } catch (final IllegalArgumentException ex) {
                    throw new IOException("Malformed " + dir.resolve(PARTITION_METADATA) + ": " + ex.getMessage(), ex);
                }
            }
        }
        throw new IOException("Malformed " + dir.resolve(PARTITION_METADATA) + ": no topic_id line");
    }
}
