package keel.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import keel.log.Time;
import keel.replication.internal.CheckpointFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas of one broker: makes partitions leaders or followers as the cluster layer (the controller's
 * decisions) says, runs one {@link ReplicaFetcher} per source broker for the partitions it follows, records
 * followers' positions when they fetch from a partition it leads, expires lagging followers from in-sync sets,
 * and checkpoints high watermarks.
 *
 * <p>What the server calls: {@link #becomeLeader}, {@link #becomeFollower}, {@link #stopReplica} (from the cluster
 * layer); {@link #onFollowerFetch} then {@link Partition#readForFollower} (from the Fetch handler when the replica
 * id is 0 or more); {@link #offsetForLeaderEpoch} (OffsetForLeaderEpoch handler). What it provides: a
 * {@link ReplicaTransport} (client connections to other brokers), a {@link PartitionStateStore} (conditional
 * writes of the partition state), a {@link Scheduler} and a {@link Time}.
 *
 * <p>Thread-safe. Role changes of one partition are serialised on this manager's monitor; fetch handling and
 * appends do not take it.
 */
public final class ReplicaManager implements AutoCloseable {
    /** The high-watermark checkpoint file in each data directory (Kafka's name and layout). */
    public static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localBrokerId;
    private final ReplicationConfig config;
    private final Scheduler scheduler;
    private final ReplicaTransport transport;
    private final PartitionStateStore stateStore;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private volatile boolean closed;
    private boolean started;

    /**
     * Does no I/O and starts nothing; {@link #startup()} schedules the periodic tasks.
     *
     * @param localBrokerId this broker's id.
     * @param config        the replication settings.
     * @param scheduler     runs fetch rounds and periodic tasks.
     * @param transport     reaches the other brokers.
     * @param stateStore    stores in-sync-set changes.
     */
    public ReplicaManager(final int localBrokerId, final ReplicationConfig config, final Scheduler scheduler,
                          final ReplicaTransport transport, final PartitionStateStore stateStore) {
        this.localBrokerId = localBrokerId;
        this.config = config;
        this.scheduler = scheduler;
        this.transport = transport;
        this.stateStore = stateStore;
    }

    public int localBrokerId() {
        return localBrokerId;
    }

    /**
     * Schedules the ISR-expiry check (every half {@code replica.lag.time.max.ms}, as Kafka) and the high-watermark
     * checkpoint.
     */
    public synchronized void startup() {
        if (started) {
            return;
        }
        started = true;
        scheduleIsrExpiry();
        scheduleCheckpoint();
    }

    private void scheduleIsrExpiry() {
        scheduler.schedule(() -> {
            if (!closed) {
                maybeShrinkIsrs();
                scheduleIsrExpiry();
            }
        }, Math.max(1, config.replicaLagTimeMaxMs() / 2));
    }

    private void scheduleCheckpoint() {
        scheduler.schedule(() -> {
            if (!closed) {
                try {
                    checkpointHighWatermarks();
                } catch (final IOException ex) {
                    LOG.error("Cannot write the high-watermark checkpoints of broker {}", localBrokerId, ex);
                }
                scheduleCheckpoint();
            }
        }, config.highWatermarkCheckpointIntervalMs());
    }

    /**
     * @param partition a partition.
     * @return its replica on this broker, or null.
     */
    public Partition partition(final TopicPartition partition) {
        return partitions.get(partition);
    }

    /**
     * @return the replicas this broker holds (a snapshot).
     */
    public List<Partition> partitions() {
        return new ArrayList<>(partitions.values());
    }

    /**
     * Makes the local replica of {@code partition} the leader: stops fetching it, records the new epoch's start in
     * the leader-epoch cache, adopts {@code state}'s in-sync set. Commands with an older leader epoch than the
     * replica's are refused; the same epoch is applied again (a refresh of the in-sync set and partition epoch).
     *
     * @param partition the local replica (opened with {@link Partition#open}).
     * @param state     the stored state; {@code state.leader()} must be this broker.
     * @param replicas  the assigned replicas.
     * @return {@link ReplicationError#NONE} or {@link ReplicationError#FENCED_LEADER_EPOCH}.
     */
    public synchronized int becomeLeader(final Partition partition, final LeaderAndIsr state,
                                         final List<Integer> replicas) {
        if (state.leader() != localBrokerId) {
            throw new IllegalArgumentException("becomeLeader on broker " + localBrokerId + " names leader "
                + state.leader() + " for " + partition.topicPartition());
        }
        if (isStale(partition, state.leaderEpoch())) {
            return ReplicationError.FENCED_LEADER_EPOCH;
        }
        final TopicPartition tp = partition.topicPartition();
        partitions.put(tp, partition);
        removeFromFetchers(tp);
        partition.makeLeader(state, replicas, stateStore, config.replicaLagTimeMaxMs());
        LOG.info("Broker {} leads {} at epoch {} with in-sync replicas {}", localBrokerId, tp, state.leaderEpoch(),
            state.isr());
        return ReplicationError.NONE;
    }

    /**
     * Makes the local replica of {@code partition} a follower of {@code state.leader()}: it stops taking writes at
     * once (parked acks=all produces fail with NOT_LEADER_OR_FOLLOWER), truncates its divergent tail with
     * OffsetForLeaderEpoch, then fetches. Commands with an older leader epoch are refused; the same epoch and
     * leader again change nothing.
     *
     * @param partition the local replica.
     * @param state     the stored state (its leader may be {@link LeaderAndIsr#NO_LEADER}: then nothing is fetched).
     * @param replicas  the assigned replicas.
     * @return {@link ReplicationError#NONE} or {@link ReplicationError#FENCED_LEADER_EPOCH}.
     */
    public synchronized int becomeFollower(final Partition partition, final LeaderAndIsr state,
                                           final List<Integer> replicas) {
        if (state.leader() == localBrokerId) {
            throw new IllegalArgumentException("becomeFollower on broker " + localBrokerId + " names itself leader of "
                + partition.topicPartition());
        }
        if (isStale(partition, state.leaderEpoch())) {
            return ReplicationError.FENCED_LEADER_EPOCH;
        }
        final TopicPartition tp = partition.topicPartition();
        if (partition.role() == Partition.Role.FOLLOWER && partition.leaderEpoch() == state.leaderEpoch()
            && partition.leaderId() == state.leader() && partitions.get(tp) == partition) {
            return ReplicationError.NONE;
        }
        partitions.put(tp, partition);
        removeFromFetchers(tp);
        partition.makeFollower(state.leader(), state.leaderEpoch(), replicas);
        if (state.leader() != LeaderAndIsr.NO_LEADER && !closed) {
            fetchers.computeIfAbsent(state.leader(), id -> new ReplicaFetcher(id, localBrokerId, transport, scheduler,
                config)).add(partition, state.leaderEpoch());
        }
        LOG.info("Broker {} follows {} at epoch {} from leader {}", localBrokerId, tp, state.leaderEpoch(),
            state.leader());
        return ReplicationError.NONE;
    }

    private static boolean isStale(final Partition partition, final int leaderEpoch) {
        return partition.role() != Partition.Role.NONE && leaderEpoch < partition.leaderEpoch();
    }

    /**
     * Stops the local replica: no more fetching, writes or follower service; parked produces fail with
     * NOT_LEADER_OR_FOLLOWER. With {@code delete}, the replication state files go too (the caller deletes the log
     * directory through its log manager).
     *
     * @param partition the partition.
     * @param delete    whether the replica is being deleted.
     * @throws IOException if the epoch checkpoint cannot be deleted.
     */
    public synchronized void stopReplica(final TopicPartition partition, final boolean delete) throws IOException {
        removeFromFetchers(partition);
        final Partition replica = partitions.remove(partition);
        if (replica == null) {
            return;
        }
        replica.makeOffline();
        if (delete) {
            replica.epochCache().delete();
        }
        LOG.info("Broker {} stopped its replica of {} (delete={})", localBrokerId, partition, delete);
    }

    private void removeFromFetchers(final TopicPartition partition) {
        for (final ReplicaFetcher fetcher : fetchers.values()) {
            fetcher.remove(partition);
        }
    }

    /**
     * A follower's Fetch reached this broker (replica id 0 or more): checks the epoch and records the follower's
     * position on the leader replica. The caller then reads with {@link Partition#readForFollower} and answers with
     * the partition's high watermark and log start offset.
     *
     * @param partition          the partition.
     * @param replicaId          the follower's broker id.
     * @param fetchOffset        the follower's fetch offset (its log end).
     * @param currentLeaderEpoch the epoch the follower believes current, or -1.
     * @return NONE, UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH or UNKNOWN_LEADER_EPOCH.
     */
    public int onFollowerFetch(final TopicPartition partition, final int replicaId, final long fetchOffset,
                               final int currentLeaderEpoch) {
        final Partition replica = partitions.get(partition);
        if (replica == null) {
            return ReplicationError.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return replica.onFollowerFetch(replicaId, fetchOffset, currentLeaderEpoch);
    }

    /**
     * OffsetForLeaderEpoch reached this broker.
     *
     * @param partition          the partition.
     * @param currentLeaderEpoch the epoch the asker believes current, or -1.
     * @param leaderEpoch        the epoch whose end offset is wanted.
     * @return the answer (with its error code).
     */
    public EpochEndOffset offsetForLeaderEpoch(final TopicPartition partition, final int currentLeaderEpoch,
                                               final int leaderEpoch) {
        final Partition replica = partitions.get(partition);
        if (replica == null) {
            return EpochEndOffset.error(ReplicationError.UNKNOWN_TOPIC_OR_PARTITION);
        }
        return replica.endOffsetForEpoch(currentLeaderEpoch, leaderEpoch);
    }

    /**
     * Proposes to remove lagging followers from the in-sync set of every partition this broker leads (the periodic
     * task; tests call it directly).
     */
    public void maybeShrinkIsrs() {
        for (final Partition partition : partitions.values()) {
            partition.maybeShrinkIsr();
        }
    }

    /**
     * @param partition a partition this broker follows.
     * @return true while it still looks for the point where its log diverges from the leader's.
     */
    public synchronized boolean isTruncating(final TopicPartition partition) {
        for (final ReplicaFetcher fetcher : fetchers.values()) {
            if (fetcher.isTruncating(partition)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes {@value #HIGH_WATERMARK_CHECKPOINT} in every data directory that holds a replica of this manager.
     *
     * @throws IOException if a checkpoint cannot be written (the others are still attempted).
     */
    public void checkpointHighWatermarks() throws IOException {
        final Map<Path, List<String>> byDir = new HashMap<>();
        for (final Partition partition : partitions.values()) {
            final Path dataDir = partition.log().dir().getParent();
            byDir.computeIfAbsent(dataDir, d -> new ArrayList<>()).add(partition.topic() + ' '
                + partition.partition() + ' ' + partition.highWatermark());
        }
        IOException failure = null;
        for (final Map.Entry<Path, List<String>> entry : byDir.entrySet()) {
            try {
                CheckpointFiles.write(entry.getKey().resolve(HIGH_WATERMARK_CHECKPOINT), entry.getValue());
            } catch (final IOException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Reads {@value #HIGH_WATERMARK_CHECKPOINT} of a data directory (for {@link Partition#open}).
     *
     * @param dataDir the data directory.
     * @return partition to high watermark; empty when there is no checkpoint.
     * @throws IOException if the file is malformed or unreadable.
     */
    public static Map<TopicPartition, Long> readHighWatermarks(final Path dataDir) throws IOException {
        final Path file = dataDir.resolve(HIGH_WATERMARK_CHECKPOINT);
        final Map<TopicPartition, Long> result = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        int line = 3;
        for (final String[] entry : CheckpointFiles.read(file, 3)) {
            try {
                result.put(new TopicPartition(entry[0], Integer.parseInt(entry[1])), Long.parseLong(entry[2]));
            } catch (final NumberFormatException ex) {
                throw CheckpointFiles.malformed(file, line, "partition or offset is not a number");
            }
            line++;
        }
        return result;
    }

    /**
     * Stops every fetcher; the partitions and their logs stay with their owner.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final ReplicaFetcher fetcher : fetchers.values()) {
            fetcher.close();
        }
        fetchers.clear();
    }

    @Override
    public String toString() {
        return "ReplicaManager{broker=" + localBrokerId + ", partitions=" + partitions.size() + '}';
    }
}
