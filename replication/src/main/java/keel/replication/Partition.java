package keel.replication;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.ReadResult;

/**
 * The leader replica of one partition: its {@link Log}, its leader epoch, and the high watermark, the offset below
 * which every in-sync replica has the data. Consumers read only below the high watermark; an acks=all produce
 * completes once the high watermark passes its batch.
 *
 * <p>The in-sync replica set starts as the local replica alone, so on a single node the high watermark follows the
 * leader's log end. Followers (the replication issue) report their log ends through
 * {@link #updateFollowerLogEnd(int, long)}. The high watermark never moves backwards.
 *
 * <p>Thread-safe: appends go through the log's single-writer lock, the high watermark is advanced with a
 * compare-and-set loop, and a listener hears every advance (it completes parked operations).
 */
public final class Partition {
    /** Kafka's NOT_ENOUGH_REPLICAS error code: the in-sync set is smaller than min.insync.replicas. */
    public static final int NOT_ENOUGH_REPLICAS = 19;

    private final Log log;
    private final int localReplicaId;
    private final Listener listener;
    private final AtomicLong highWatermark;
    private final Map<Integer, Long> followerLogEnds = new ConcurrentHashMap<>();
    private final Set<Integer> inSyncReplicas = ConcurrentHashMap.newKeySet();
    private volatile int leaderEpoch;

    /**
     * Hears a partition's high watermark advance and its log grow.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called after an append or a high-watermark advance, on the thread that caused it.
         *
         * @param partition the partition.
         */
        void onLogChange(Partition partition);
    }

    /**
     * @param log            the local log (this replica leads it).
     * @param localReplicaId this broker's id.
     * @param leaderEpoch    the current leader epoch.
     * @param listener       told of every append and high-watermark advance.
     */
    public Partition(final Log log, final int localReplicaId, final int leaderEpoch, final Listener listener) {
        this.log = log;
        this.localReplicaId = localReplicaId;
        this.leaderEpoch = leaderEpoch;
        this.listener = listener;
        this.inSyncReplicas.add(localReplicaId);
        // the log end at open: on one node every record on disk was acknowledged by the whole in-sync set
        this.highWatermark = new AtomicLong(log.logEndOffset());
    }

    public Log log() {
        return log;
    }

    public String topic() {
        return log.topic();
    }

    public int partition() {
        return log.partition();
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int localReplicaId() {
        return localReplicaId;
    }

    /**
     * @return the offset below which every in-sync replica has the data; consumers read below it.
     */
    public long highWatermark() {
        return highWatermark.get();
    }

    /**
     * @return the number of in-sync replicas.
     */
    public int inSyncReplicaCount() {
        return inSyncReplicas.size();
    }

    /**
     * Appends as the leader and advances the high watermark when the in-sync set allows.
     *
     * @param records             the batches (modified in place: base offsets and the leader epoch).
     * @param requiredAcks        -1 (all), 0 or 1; with -1 the in-sync set must hold {@code minInSyncReplicas}.
     * @param minInSyncReplicas   min.insync.replicas of the topic.
     * @param result              filled with the offsets or the error.
     * @return {@link ErrorCode#NONE}, an engine error code, or {@link #NOT_ENOUGH_REPLICAS}.
     */
    public int tryAppendAsLeader(final ByteBuffer records, final int requiredAcks, final int minInSyncReplicas,
                                 final AppendResult result) {
        if (requiredAcks == -1 && inSyncReplicas.size() < minInSyncReplicas) {
            return NOT_ENOUGH_REPLICAS;
        }
        final int code = log.tryAppendAsLeader(records, leaderEpoch, result);
        if (code == ErrorCode.NONE) {
            maybeIncrementHighWatermark();
            listener.onLogChange(this);
        }
        return code;
    }

    /**
     * Reads what a consumer may see: whole batches below the high watermark.
     *
     * @param offset      the fetch offset.
     * @param maxBytes    the byte limit.
     * @param minOneBatch KIP-74: the first batch even if larger than {@code maxBytes}.
     * @param result      filled with the file region; the caller releases it.
     * @return an engine error code.
     */
    public int readCommitted(final long offset, final int maxBytes, final boolean minOneBatch,
                             final ReadResult result) {
        return log.read(offset, maxBytes, highWatermark.get(), minOneBatch, result);
    }

    /**
     * A follower's fetch told the leader its log end.
     *
     * @param replicaId the follower.
     * @param logEnd    its log end offset.
     */
    public void updateFollowerLogEnd(final int replicaId, final long logEnd) {
        followerLogEnds.put(replicaId, logEnd);
        if (maybeIncrementHighWatermark()) {
            listener.onLogChange(this);
        }
    }

    /**
     * Moves the high watermark up to the smallest log end of the in-sync replicas; never down.
     *
     * @return true if it moved.
     */
    public boolean maybeIncrementHighWatermark() {
        long candidate = log.logEndOffset();
        for (final Integer replica : inSyncReplicas) {
            if (replica != localReplicaId) {
                candidate = Math.min(candidate, followerLogEnds.getOrDefault(replica, 0L));
            }
        }
        while (true) {
            final long current = highWatermark.get();
            if (candidate <= current) {
                return false;
            }
            if (highWatermark.compareAndSet(current, candidate)) {
                return true;
            }
        }
    }

    /**
     * DeleteRecords may move the log start past the old high watermark only if it is below it; a truncation
     * elsewhere may leave the log end below the high watermark: both keep the watermark within the log.
     */
    public void onLogStartChanged() {
        final long start = log.logStartOffset();
        while (true) {
            final long current = highWatermark.get();
            if (current >= start || highWatermark.compareAndSet(current, start)) {
                break;
            }
        }
        listener.onLogChange(this);
    }

    @Override
    public String toString() {
        return "Partition{" + log.topic() + '-' + log.partition() + ", leaderEpoch=" + leaderEpoch
            + ", highWatermark=" + highWatermark.get() + ", logEnd=" + log.logEndOffset() + '}';
    }
}
