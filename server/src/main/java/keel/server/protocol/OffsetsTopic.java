package keel.server.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntSupplier;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.LogConfig;
import keel.replication.DelayedOperation;
import keel.replication.DelayedOperationPurgatory;
import keel.replication.Partition;
import keel.replication.ReplicationError;
import keel.server.group.GroupConfig;
import keel.server.group.GroupCoordinator;
import keel.server.group.GroupErrors;
import keel.server.group.LocalOffsetsLog;
import keel.server.group.OffsetsLog;
import keel.server.metadata.TopicCommands;
import keel.server.metadata.TopicException;
import keel.server.metadata.TopicManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic {@code __consumer_offsets} and the coordinator's ownership of its partitions: the topic is
 * created on first need (the first FindCoordinator for a group, as Kafka does) or found at start-up. On a single
 * node every partition is loaded into the {@link GroupCoordinator}; in a cluster a partition is loaded when this
 * broker becomes its leader and unloaded when it stops leading it ({@link #onLeadership}), so the coordinator of a
 * group moves with the leadership of its partition. Loads and unloads run in order on one loader thread, never on a
 * network or I/O thread. While a partition waits for or runs its load, its groups answer
 * COORDINATOR_LOAD_IN_PROGRESS; a partition led elsewhere answers NOT_COORDINATOR. Thread-safe.
 */
public final class OffsetsTopic implements AutoCloseable {
    /** Kafka's name of the internal offsets topic. */
    public static final String NAME = "__consumer_offsets";

    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopic.class);

    private static final int NOT_CREATED = 0;
    private static final int LOADING = 1;
    private static final int LOADED = 2;
    private static final int FAILED = 3;
    /** In a cluster: another broker leads the partition. */
    private static final int NOT_OWNED = 4;

    private final TopicManager topics;
    private final TopicCommands commands;
    private final GroupCoordinator coordinator;
    private final GroupConfig config;
    private final int replicationFactor;
    private final DelayedOperationPurgatory purgatory;
    private final ExecutorService loader;
    private final AtomicIntegerArray states;
    private volatile boolean closed;

    /**
     * Does no I/O; {@link #startup()} loads an existing topic.
     *
     * @param topics            the broker's topics.
     * @param commands          creates the topic (through the controller in a cluster).
     * @param coordinator       the coordinator the partitions are loaded into.
     * @param config            offsets.topic.num.partitions and offsets.topic.segment.bytes.
     * @param replicationFactor offsets.topic.replication.factor (1 on a single node).
     * @param purgatory         where a commit waits for the in-sync replicas in a cluster (the produce purgatory:
     *                          its partitions' high-watermark advances complete it).
     */
    public OffsetsTopic(final TopicManager topics, final TopicCommands commands, final GroupCoordinator coordinator,
                        final GroupConfig config, final int replicationFactor,
                        final DelayedOperationPurgatory purgatory) {
        this(topics, commands, coordinator, config, replicationFactor, purgatory,
            Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "keel-group-loader");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /**
     * @param loader runs the loads, one at a time; shut down by {@link #close()}.
     */
    OffsetsTopic(final TopicManager topics, final TopicCommands commands, final GroupCoordinator coordinator,
                 final GroupConfig config, final int replicationFactor, final DelayedOperationPurgatory purgatory,
                 final ExecutorService loader) {
        this.topics = topics;
        this.commands = commands;
        this.coordinator = coordinator;
        this.config = config;
        this.replicationFactor = replicationFactor;
        this.purgatory = purgatory;
        this.states = new AtomicIntegerArray(config.offsetsTopicNumPartitions());
        this.loader = loader;
    }

    /**
     * Loads every partition of an existing {@code __consumer_offsets} in the background.
     *
     * @throws IllegalArgumentException when the existing topic's partition count differs from
     *                                  offsets.topic.num.partitions (groups would map to other partitions).
     */
    public void startup() {
        final TopicManager.Topic topic = topics.topic(NAME);
        if (topic == null || topics.clusterMode()) {
            return;
        }
        if (topic.partitionCount() != states.length()) {
            throw new IllegalArgumentException("Invalid value " + states.length() + " for configuration "
                + GroupConfig.OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG + ": " + NAME + " already has "
                + topic.partitionCount() + " partitions, and the value is fixed for the life of the data directory");
        }
        scheduleLoads(topic);
    }

    /**
     * Creates the topic unless it exists, and schedules the loads. Blocking (creates files): call it from the I/O
     * pool.
     *
     * @throws IOException if the topic cannot be created.
     */
    public synchronized void ensureCreated() throws IOException {
        if (closed || topics.topic(NAME) != null) {
            return;
        }
        final LogConfig logConfig = LocalOffsetsLog.logConfig(topics.defaults(), config);
        final Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(LogConfig.RETENTION_MS_CONFIG, Long.toString(logConfig.retentionMs()));
        overrides.put(LogConfig.RETENTION_BYTES_CONFIG, Long.toString(logConfig.retentionBytes()));
        overrides.put(LogConfig.SEGMENT_BYTES_CONFIG, Integer.toString(logConfig.segmentBytes()));
        overrides.put(LogConfig.SEGMENT_INDEX_BYTES_CONFIG, Integer.toString(logConfig.segmentIndexBytes()));
        try {
            commands.createTopic(NAME, states.length(), replicationFactor, overrides, false);
        } catch (final TopicException ex) {
            if (topics.topic(NAME) == null) {
                throw new IOException("Cannot create " + NAME + ": " + ex.getMessage(), ex);
            }
        }
        if (!topics.clusterMode()) {
            scheduleLoads(topics.topic(NAME));
        }
    }

    /**
     * In a cluster: this broker now leads ({@code leader}) or no longer leads a partition of the topic; its groups
     * are loaded from, or unloaded, in order on the loader thread. Leading again a partition already loaded or
     * loading changes nothing.
     *
     * @param index   the partition.
     * @param replica the local replica ({@code null} when it was stopped).
     * @param leader  whether this broker leads it now.
     */
    public void onLeadership(final int index, final Partition replica, final boolean leader) {
        if (index < 0 || index >= states.length() || closed) {
            return;
        }
        if (leader) {
            final int state = states.get(index);
            if (state != LOADING && state != LOADED && states.compareAndSet(index, state, LOADING)) {
                loader.execute(() -> load(index, replica));
            }
        } else if (states.getAndSet(index, NOT_OWNED) != NOT_OWNED) {
            loader.execute(() -> coordinator.unloadPartition(index));
        }
    }

    /**
     * @return true once the topic exists (its partitions may still be loading).
     */
    public boolean exists() {
        return topics.topic(NAME) != null;
    }

    /**
     * @param groupId a group id.
     * @return NONE when the group's partition is loaded; COORDINATOR_LOAD_IN_PROGRESS while it waits for or runs its
     *         load; NOT_COORDINATOR when another broker leads it; COORDINATOR_NOT_AVAILABLE when the topic does not
     *         exist yet or the load failed.
     */
    public short status(final String groupId) {
        switch (states.get(coordinator.partitionFor(groupId == null ? "" : groupId))) {
            case LOADED:
                return GroupErrors.NONE;
            case LOADING:
                return GroupErrors.COORDINATOR_LOAD_IN_PROGRESS;
            case NOT_OWNED:
                return GroupErrors.NOT_COORDINATOR;
            default:
                return GroupErrors.COORDINATOR_NOT_AVAILABLE;
        }
    }

    /**
     * @return true when every partition is loaded (for tests and benchmarks).
     */
    public boolean isLoaded() {
        for (int p = 0; p < states.length(); p++) {
            if (states.get(p) != LOADED) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true while a partition waits for or runs its load.
     */
    public boolean isLoading() {
        for (int p = 0; p < states.length(); p++) {
            if (states.get(p) == LOADING) {
                return true;
            }
        }
        return false;
    }

    private void scheduleLoads(final TopicManager.Topic topic) {
        for (int p = 0; p < states.length(); p++) {
            if (states.compareAndSet(p, NOT_CREATED, LOADING)) {
                final Partition partition = topic.partition(p);
                final int index = p;
                loader.execute(() -> load(index, partition));
            }
        }
    }

    private void load(final int index, final Partition partition) {
        if (closed) {
            return;
        }
        try {
            coordinator.loadPartition(new PartitionOffsetsLog(partition, topics.clusterMode() ? purgatory : null,
                () -> {
                    final TopicManager.Topic topic = topics.topic(NAME);
                    return topic == null ? 1 : topic.minInSyncReplicas();
                }));
            // a resignation queued behind this load wins: it set NOT_OWNED and unloads next
            states.compareAndSet(index, LOADING, LOADED);
        } catch (final IOException | RuntimeException ex) {
            states.compareAndSet(index, LOADING, FAILED);
            LOG.error("Cannot load {}-{}: its groups answer COORDINATOR_NOT_AVAILABLE until a restart", NAME, index,
                ex);
        }
    }

    /**
     * Stops the loader (waiting for a load in progress) before the coordinator and the logs close. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        // not shutdownNow: an interrupt would close the log's FileChannel under a load in progress; queued loads
        // see closed and return at once
        loader.shutdown();
        try {
            if (!loader.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The {} loader did not stop within 30 s", NAME);
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An {@link OffsetsLog} over the partition, so that appends move its high watermark (a consumer of
     * {@code __consumer_offsets}, such as Kafka's tools, reads them) and wake parked fetches. In a cluster an append
     * is answered once the in-sync replicas hold it (acks=all with the topic's min.insync.replicas, as Kafka's
     * {@code offsets.commit.required.acks=-1}), or REQUEST_TIMED_OUT after {@value #COMMIT_TIMEOUT_MS} ms (Kafka's
     * {@code offsets.commit.timeout.ms}); the group coordinator maps the errors as Kafka does. Thread-safe.
     */
    private static final class PartitionOffsetsLog implements OffsetsLog {
        private static final long COMMIT_TIMEOUT_MS = 5_000;

        private final Partition partition;
        private final DelayedOperationPurgatory replicated;
        private final IntSupplier minInSyncReplicas;

        /**
         * @param partition         the leader replica.
         * @param replicated        the purgatory acks=all appends wait in, or {@code null} for acks=1.
         * @param minInSyncReplicas the topic's min.insync.replicas now.
         */
        PartitionOffsetsLog(final Partition partition, final DelayedOperationPurgatory replicated,
                            final IntSupplier minInSyncReplicas) {
            this.partition = partition;
            this.replicated = replicated;
            this.minInSyncReplicas = minInSyncReplicas;
        }

        @Override
        public int partition() {
            return partition.partition();
        }

        @Override
        public void append(final ByteBuffer batch, final AppendCompletion completion) {
            final AppendResult result = new AppendResult();
            if (replicated == null) {
                final int code = partition.tryAppendAsLeader(batch, 1, 1, result);
                completion.onAppended(code, code == ErrorCode.NONE ? null : result.errorMessage());
                return;
            }
            final int minIsr = minInSyncReplicas.getAsInt();
            final int leaderEpoch = partition.leaderEpoch();
            final int code = partition.tryAppendAsLeader(batch, -1, minIsr, result);
            if (code != ErrorCode.NONE) {
                completion.onAppended(code, result.errorMessage());
                return;
            }
            final long requiredOffset = result.lastOffset() + 1;
            replicated.tryCompleteElseWatch(new DelayedOperation(COMMIT_TIMEOUT_MS) {
                @Override
                protected boolean tryComplete() {
                    return partition.checkEnoughReplicasReachOffset(requiredOffset, leaderEpoch, minIsr)
                        != Partition.PENDING;
                }

                @Override
                protected void onComplete(final boolean expired) {
                    final int check = partition.checkEnoughReplicasReachOffset(requiredOffset, leaderEpoch, minIsr);
                    completion.onAppended(check == Partition.PENDING ? ReplicationError.REQUEST_TIMED_OUT : check,
                        check == ErrorCode.NONE ? null : "The in-sync replicas of " + partition.topicPartition()
                            + " did not reach offset " + requiredOffset);
                }
            }, List.of(partition));
        }

        @Override
        public int maxBatchBytes() {
            return partition.log().config().maxMessageBytes();
        }

        @Override
        public long sizeInBytes() {
            return partition.log().sizeInBytes();
        }

        @Override
        public long logStartOffset() {
            return partition.log().logStartOffset();
        }

        @Override
        public long logEndOffset() {
            return partition.log().logEndOffset();
        }

        @Override
        public ByteBuffer readBatches(final long offset, final int maxBytes) throws IOException {
            return partition.log().readBatches(offset, maxBytes);
        }

        @Override
        public void roll() throws IOException {
            partition.log().roll();
        }

        @Override
        public void deleteRecordsBefore(final long offset) throws IOException {
            partition.log().deleteRecordsBefore(offset);
            partition.onLogStartChanged();
        }
    }
}
