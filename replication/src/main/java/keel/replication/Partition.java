package keel.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.ReadResult;
import keel.log.RecordBatchView;
import keel.log.Time;
import keel.replication.internal.LeaderEpochCache;

/**
 * One replica of a partition on this broker: its {@link Log}, its role (leader, follower or none), the leader epoch
 * and the leader-epoch cache, and the high watermark, the offset below which every in-sync replica has the data.
 * Consumers read only below the high watermark; an acks=all produce completes once the high watermark passes its
 * batch.
 *
 * <p>As leader it tracks each follower's log end offset and last caught-up time, grows the in-sync set when a
 * follower reaches the high watermark (and the start of the current epoch) and shrinks it when a follower has not
 * caught up for {@code replica.lag.time.max.ms}; changes go through a {@link PartitionStateStore} and take effect
 * only once stored. While a change is pending, the high watermark is computed over the union of the old and the
 * proposed set (KIP-497's "maximal ISR"), so it is never ahead of what a replica that may still be in the set
 * holds. The high watermark of a leader never moves backwards.
 *
 * <p>The single-node constructor makes the local replica the leader with itself as the whole in-sync set, so on a
 * single node the high watermark follows the log end; {@link ReplicaManager} changes roles on a cluster.
 *
 * <p>Thread-safe: role and in-sync-set changes take a write lock, appends and follower-position updates a read lock
 * (appends are then serialised by the log's own writer lock); the high watermark is advanced with a compare-and-set
 * loop. The listener hears every append, high-watermark advance and role change (it completes parked operations)
 * and is called without the write lock held.
 */
public final class Partition {
    /** Kafka's NOT_ENOUGH_REPLICAS error code: the in-sync set is smaller than min.insync.replicas. */
    public static final int NOT_ENOUGH_REPLICAS = ReplicationError.NOT_ENOUGH_REPLICAS;
    /** {@link #checkEnoughReplicasReachOffset} result: the high watermark has not reached the offset yet. */
    public static final int PENDING = -1;

    /** Unknown log end offset of a follower that has not fetched since this replica became leader. */
    private static final long UNKNOWN_OFFSET = -1L;

    /** The replica's role. */
    public enum Role {
        /** Accepts writes, serves followers. */
        LEADER,
        /** Copies the leader's log; refuses writes. */
        FOLLOWER,
        /** Neither (not yet told, or stopped). */
        NONE
    }

    private final Log log;
    private final TopicPartition topicPartition;
    private final int localReplicaId;
    private final Listener listener;
    private final LeaderEpochCache epochCache;
    private final Time time;
    private final AtomicLong highWatermark;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RecordBatchView followerView = new RecordBatchView();

    // guarded by lock (written under the write lock; volatile for lock-free readers)
    private volatile Role role;
    private volatile int leaderEpoch;
    private volatile int leaderId;
    private volatile int[] inSyncReplicas;
    private volatile int[] pendingInSyncReplicas;
    private volatile boolean fenced;
    private int[] assignedReplicas;
    private int partitionEpoch;
    private long leaderEpochStartOffset;
    private PartitionStateStore stateStore = PartitionStateStore.ACCEPT_ALL;
    private long replicaLagTimeMaxMs = ReplicationConfig.REPLICA_LAG_TIME_MAX_MS_DEFAULT;
    private volatile Map<Integer, FollowerState> followers = Collections.emptyMap();

    /**
     * Hears a partition's high watermark advance, its log grow and its role change.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called after an append, a high-watermark advance, an in-sync-set or a role change, on the thread that
         * caused it, without the partition's write lock held.
         *
         * @param partition the partition.
         */
        void onLogChange(Partition partition);
    }

    /** What the leader knows of one follower. Fields are written under the read lock by one fetch at a time. */
    private static final class FollowerState {
        private volatile long logEndOffset = UNKNOWN_OFFSET;
        private volatile long lastCaughtUpTimeMs;
        private volatile long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
        private volatile long lastFetchTimeMs;
    }

    /**
     * A single-node leader: the local replica leads at {@code leaderEpoch} and is the whole in-sync set; the
     * leader-epoch cache lives in memory only. Does no I/O.
     *
     * @param log            the local log (this replica leads it).
     * @param localReplicaId this broker's id.
     * @param leaderEpoch    the current leader epoch.
     * @param listener       told of every append and high-watermark advance.
     */
    public Partition(final Log log, final int localReplicaId, final int leaderEpoch, final Listener listener) {
        this(log, localReplicaId, listener, LeaderEpochCache.inMemory(), Time.SYSTEM, log.logEndOffset());
        this.role = Role.LEADER;
        this.leaderEpoch = leaderEpoch;
        this.leaderId = localReplicaId;
        this.inSyncReplicas = new int[] {localReplicaId};
        this.assignedReplicas = new int[] {localReplicaId};
        this.leaderEpochStartOffset = log.logEndOffset();
        // in memory only: no I/O
        this.epochCache.assign(Math.max(0, leaderEpoch), log.logEndOffset());
    }

    private Partition(final Log log, final int localReplicaId, final Listener listener,
                      final LeaderEpochCache epochCache, final Time time, final long initialHighWatermark) {
        this.log = log;
        this.topicPartition = new TopicPartition(log.topic(), log.partition());
        this.localReplicaId = localReplicaId;
        this.listener = listener;
        this.epochCache = epochCache;
        this.time = time;
        this.highWatermark = new AtomicLong(Math.max(log.logStartOffset(), Math.min(initialHighWatermark,
            log.logEndOffset())));
        this.role = Role.NONE;
        this.leaderEpoch = epochCache.latestEpoch() < 0 ? 0 : epochCache.latestEpoch();
        this.leaderId = LeaderAndIsr.NO_LEADER;
        this.inSyncReplicas = new int[0];
        this.assignedReplicas = new int[0];
    }

    /**
     * Opens the replicated state of {@code log}: reads its {@code leader-epoch-checkpoint} and drops entries past
     * the log end (a crash between a truncation and the checkpoint write). The replica starts with no role; the
     * {@link ReplicaManager} makes it leader or follower.
     *
     * @param log                  the local log.
     * @param localReplicaId       this broker's id.
     * @param initialHighWatermark the checkpointed high watermark (clamped into the log).
     * @param time                 the clock (ISR expiry).
     * @param listener             told of appends, high-watermark advances and role changes.
     * @return the replica.
     * @throws IOException if the epoch checkpoint is malformed or unreadable.
     */
    public static Partition open(final Log log, final int localReplicaId, final long initialHighWatermark,
                                 final Time time, final Listener listener) throws IOException {
        final LeaderEpochCache cache = LeaderEpochCache.open(log.dir());
        cache.truncateFromEnd(log.logEndOffset());
        cache.truncateFromStart(log.logStartOffset());
        return new Partition(log, localReplicaId, listener, cache, time, initialHighWatermark);
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

    /**
     * @return the topic and partition.
     */
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int localReplicaId() {
        return localReplicaId;
    }

    /**
     * @return the leader's broker id as last told, or {@link LeaderAndIsr#NO_LEADER}.
     */
    public int leaderId() {
        return leaderId;
    }

    /**
     * @return the replica's role.
     */
    public Role role() {
        return role;
    }

    /**
     * @return true when this replica leads and has not seen evidence of a newer leader.
     */
    public boolean isLeader() {
        return role == Role.LEADER && !fenced;
    }

    /**
     * @return the offset below which every in-sync replica has the data; consumers read below it.
     */
    public long highWatermark() {
        return highWatermark.get();
    }

    /**
     * @return the number of replicas in the committed in-sync set.
     */
    public int inSyncReplicaCount() {
        return inSyncReplicas.length;
    }

    /**
     * @return the committed in-sync set, sorted.
     */
    public List<Integer> inSyncReplicas() {
        return toList(inSyncReplicas);
    }

    /**
     * @return the in-sync set proposed to the store and not answered yet, or an empty list.
     */
    public List<Integer> pendingInSyncReplicas() {
        final int[] pending = pendingInSyncReplicas;
        return pending == null ? Collections.emptyList() : toList(pending);
    }

    /**
     * @return the partition epoch (version of the stored state) this replica last knew.
     */
    public int partitionEpoch() {
        lock.readLock().lock();
        try {
            return partitionEpoch;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @return the latest epoch in the leader-epoch cache, or -1.
     */
    public int latestCachedEpoch() {
        return epochCache.latestEpoch();
    }

    /**
     * @return epoch to start offset, as the leader-epoch cache holds them.
     */
    public Map<Integer, Long> epochStartOffsets() {
        return epochCache.entries();
    }

    /**
     * @param replicaId a follower.
     * @return its log end offset as the leader last heard it, or -1.
     */
    public long followerLogEndOffset(final int replicaId) {
        final FollowerState state = followers.get(replicaId);
        return state == null ? UNKNOWN_OFFSET : state.logEndOffset;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Produce
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Appends as the leader and advances the high watermark when the in-sync set allows.
     *
     * @param records           the batches (modified in place: base offsets and the leader epoch).
     * @param requiredAcks      -1 (all), 0 or 1; with -1 the in-sync set must hold {@code minInSyncReplicas}.
     * @param minInSyncReplicas min.insync.replicas of the topic.
     * @param result            filled with the offsets or the error.
     * @return {@link ErrorCode#NONE}, an engine error code, {@link #NOT_ENOUGH_REPLICAS} or
     *     {@link ReplicationError#NOT_LEADER_OR_FOLLOWER}.
     */
    public int tryAppendAsLeader(final ByteBuffer records, final int requiredAcks, final int minInSyncReplicas,
                                 final AppendResult result) {
        final int code;
        lock.readLock().lock();
        try {
            if (role != Role.LEADER || fenced) {
                return ReplicationError.NOT_LEADER_OR_FOLLOWER;
            }
            if (requiredAcks == -1 && inSyncReplicas.length < minInSyncReplicas) {
                return NOT_ENOUGH_REPLICAS;
            }
            code = log.tryAppendAsLeader(records, leaderEpoch, result);
            if (code == ErrorCode.NONE) {
                maybeIncrementHighWatermark();
            }
        } finally {
            lock.readLock().unlock();
        }
        if (code == ErrorCode.NONE) {
            listener.onLogChange(this);
        }
        return code;
    }

    /**
     * Whether an acks=all produce appended at {@code appendLeaderEpoch} is done (Kafka's
     * {@code checkEnoughReplicasReachOffset}).
     *
     * @param requiredOffset    the offset after the produce's last batch.
     * @param appendLeaderEpoch {@link #leaderEpoch()} read before the append.
     * @param minInSyncReplicas min.insync.replicas of the topic.
     * @return {@link #PENDING} while the high watermark is below {@code requiredOffset};
     *     {@link ReplicationError#NOT_LEADER_OR_FOLLOWER} when this replica no longer leads or leads at a newer epoch
     *     (the batch may have been truncated); {@link ReplicationError#NOT_ENOUGH_REPLICAS_AFTER_APPEND} when the
     *     high watermark passed but the in-sync set is now below {@code minInSyncReplicas}; else
     *     {@link ReplicationError#NONE}.
     */
    public int checkEnoughReplicasReachOffset(final long requiredOffset, final int appendLeaderEpoch,
                                              final int minInSyncReplicas) {
        if (role != Role.LEADER || fenced || leaderEpoch != appendLeaderEpoch || log.isClosed()) {
            return ReplicationError.NOT_LEADER_OR_FOLLOWER;
        }
        if (highWatermark.get() < requiredOffset) {
            return PENDING;
        }
        return inSyncReplicas.length < minInSyncReplicas ? ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND
            : ReplicationError.NONE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads
    // ---------------------------------------------------------------------------------------------------------

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
     * Reads for a follower: whole batches up to the log end (call {@link ReplicaManager#onFollowerFetch} first).
     *
     * @param offset   the follower's fetch offset.
     * @param maxBytes the byte limit (the first batch is returned even if larger).
     * @param result   filled with the file region; the caller releases it.
     * @return an engine error code ({@link ErrorCode#OFFSET_OUT_OF_RANGE} outside the log).
     */
    public int readForFollower(final long offset, final int maxBytes, final ReadResult result) {
        return log.read(offset, maxBytes, Long.MAX_VALUE, true, result);
    }

    /**
     * OffsetForLeaderEpoch on this replica (KIP-101/279), with fencing.
     *
     * @param currentLeaderEpoch the epoch the asker believes current, or -1 to skip fencing.
     * @param requestedEpoch     the epoch whose end offset is wanted.
     * @return the largest epoch at or below the requested one and its end offset, or an error
     *     (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER).
     */
    public EpochEndOffset endOffsetForEpoch(final int currentLeaderEpoch, final int requestedEpoch) {
        final int fencing = checkLeaderEpoch(currentLeaderEpoch);
        if (fencing != ReplicationError.NONE) {
            return EpochEndOffset.error(fencing);
        }
        if (role != Role.LEADER) {
            return EpochEndOffset.error(ReplicationError.NOT_LEADER_OR_FOLLOWER);
        }
        return epochCache.endOffsetFor(requestedEpoch, log.logEndOffset());
    }

    /**
     * This replica's own answer for {@code epoch} from its leader-epoch cache, whatever its role (a follower
     * comparing its log with the leader's during truncation).
     *
     * @param epoch the epoch.
     * @return the largest local epoch at or below it and its end offset, or {@link EpochEndOffset#UNDEFINED}.
     */
    public EpochEndOffset localEndOffsetForEpoch(final int epoch) {
        return epochCache.endOffsetFor(epoch, log.logEndOffset());
    }

    /**
     * @param requestEpoch the current leader epoch a request carries, or -1 (no check).
     * @return NONE, FENCED_LEADER_EPOCH (older than this replica's) or UNKNOWN_LEADER_EPOCH (newer).
     */
    public int checkLeaderEpoch(final int requestEpoch) {
        if (requestEpoch < 0) {
            return ReplicationError.NONE;
        }
        final int current = leaderEpoch;
        if (requestEpoch < current) {
            return ReplicationError.FENCED_LEADER_EPOCH;
        }
        return requestEpoch > current ? ReplicationError.UNKNOWN_LEADER_EPOCH : ReplicationError.NONE;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Leader side: followers
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A follower's fetch told the leader its position (Kafka's {@code updateFollowerFetchState}): records its log
     * end offset and when it last caught up, advances the high watermark and proposes to add it to the in-sync set
     * when it has caught up.
     *
     * @param replicaId          the follower.
     * @param fetchOffset        its fetch offset, which is its log end offset.
     * @param currentLeaderEpoch the epoch the follower believes current, or -1.
     * @return NONE, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH (the follower knows a newer
     *     leader: this replica stops taking writes), OFFSET_OUT_OF_RANGE (outside this log: nothing recorded) or
     *     UNKNOWN_TOPIC_OR_PARTITION (not an assigned replica).
     */
    public int onFollowerFetch(final int replicaId, final long fetchOffset, final int currentLeaderEpoch) {
        final int fencing = checkLeaderEpoch(currentLeaderEpoch);
        if (fencing == ReplicationError.UNKNOWN_LEADER_EPOCH) {
            // only an assigned follower may tell this leader that a newer leader exists: a client claiming a
            // replica id must not be able to stop writes
            if (followers.containsKey(replicaId)) {
                markFenced();
            }
            return fencing;
        }
        if (fencing != ReplicationError.NONE) {
            return fencing;
        }
        boolean moved = false;
        boolean expand = false;
        boolean lostCommitted = false;
        lock.readLock().lock();
        try {
            if (role != Role.LEADER) {
                return ReplicationError.NOT_LEADER_OR_FOLLOWER;
            }
            final FollowerState state = followers.get(replicaId);
            if (state == null) {
                return ReplicationError.UNKNOWN_TOPIC_OR_PARTITION;
            }
            final long leaderEnd = log.logEndOffset();
            if (fetchOffset > leaderEnd || fetchOffset < log.logStartOffset()) {
                // not a position in this log (a follower with a divergent tail, or behind the log start): not recorded
                return ReplicationError.OFFSET_OUT_OF_RANGE;
            }
            final long nowMs = time.milliseconds();
            // Kafka's rule: caught up now if it fetched from the log end; caught up at its previous fetch if it now
            // asks for the offset that was the log end then
            if (fetchOffset >= leaderEnd) {
                state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, nowMs);
            } else if (state.lastFetchLeaderLogEndOffset != UNKNOWN_OFFSET
                && fetchOffset >= state.lastFetchLeaderLogEndOffset) {
                state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs);
            }
            // an in-sync follower asking for less than the high watermark has lost committed records (its disk lost
            // the tail while it was down): it is no longer in sync and must not be electable until it catches up
            lostCommitted = fetchOffset < highWatermark.get() && contains(inSyncReplicas, replicaId);
            if (lostCommitted) {
                state.lastCaughtUpTimeMs = 0L;
            }
            state.logEndOffset = fetchOffset;
            state.lastFetchLeaderLogEndOffset = leaderEnd;
            state.lastFetchTimeMs = nowMs;
            moved = maybeIncrementHighWatermark();
            expand = !contains(maximalIsr(), replicaId) && fetchOffset >= highWatermark.get()
                && fetchOffset >= leaderEpochStartOffset && pendingInSyncReplicas == null;
        } finally {
            lock.readLock().unlock();
        }
        if (expand) {
            maybeExpandIsr(replicaId);
        }
        if (lostCommitted) {
            maybeShrinkIsr();
        }
        if (moved) {
            listener.onLogChange(this);
        }
        return ReplicationError.NONE;
    }

    /**
     * Compatibility for callers that only know a follower's log end: {@link #onFollowerFetch} without fencing.
     *
     * @param replicaId the follower.
     * @param logEnd    its log end offset.
     */
    public void updateFollowerLogEnd(final int replicaId, final long logEnd) {
        onFollowerFetch(replicaId, logEnd, -1);
    }

    /**
     * Proposes to remove the followers that have not caught up for {@code replica.lag.time.max.ms} (Kafka's
     * {@code maybeShrinkIsr}); the change takes effect when the store accepts it.
     *
     * @return true if a change was proposed.
     */
    public boolean maybeShrinkIsr() {
        final List<Integer> proposed;
        lock.writeLock().lock();
        try {
            if (role != Role.LEADER || fenced || pendingInSyncReplicas != null) {
                return false;
            }
            final long nowMs = time.milliseconds();
            proposed = new ArrayList<>();
            boolean shrink = false;
            for (final int replica : inSyncReplicas) {
                final FollowerState state = followers.get(replica);
                if (replica != localReplicaId && (state == null
                    || nowMs - state.lastCaughtUpTimeMs > replicaLagTimeMaxMs)) {
                    shrink = true;
                } else {
                    proposed.add(replica);
                }
            }
            if (!shrink) {
                return false;
            }
            propose(proposed);
        } finally {
            lock.writeLock().unlock();
        }
        afterIsrAnswer();
        return true;
    }

    private void maybeExpandIsr(final int replicaId) {
        lock.writeLock().lock();
        try {
            final FollowerState state = followers.get(replicaId);
            if (role != Role.LEADER || fenced || pendingInSyncReplicas != null || state == null
                || contains(inSyncReplicas, replicaId) || state.logEndOffset < highWatermark.get()
                || state.logEndOffset < leaderEpochStartOffset) {
                return;
            }
            final List<Integer> proposed = toList(inSyncReplicas);
            proposed.add(replicaId);
            Collections.sort(proposed);
            propose(proposed);
        } finally {
            lock.writeLock().unlock();
        }
        afterIsrAnswer();
    }

    /** Called with the write lock held. */
    private void propose(final List<Integer> proposed) {
        final int[] pending = toArray(proposed);
        pendingInSyncReplicas = pending;
        final int epochAtProposal = leaderEpoch;
        final LeaderAndIsr state = new LeaderAndIsr(localReplicaId, epochAtProposal, proposed, partitionEpoch);
        stateStore.tryUpdateIsr(topicPartition, state, (errorCode, committed) -> onIsrUpdate(pending,
            epochAtProposal, errorCode, committed));
    }

    private void onIsrUpdate(final int[] proposal, final int epochAtProposal, final int errorCode,
                             final LeaderAndIsr committed) {
        final boolean heldByCaller = lock.isWriteLockedByCurrentThread();
        lock.writeLock().lock();
        try {
            if (pendingInSyncReplicas != proposal || leaderEpoch != epochAtProposal || role != Role.LEADER) {
                return;
            }
            pendingInSyncReplicas = null;
            if (errorCode == ReplicationError.NONE) {
                inSyncReplicas = toArray(committed.isr());
                partitionEpoch = committed.partitionEpoch();
            } else if (errorCode == ReplicationError.FENCED_LEADER_EPOCH) {
                // the store holds a newer leader epoch: another replica leads, this one must stop taking writes
                fenced = true;
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (!heldByCaller) {
            afterIsrAnswer();
        }
    }

    private void afterIsrAnswer() {
        lock.readLock().lock();
        try {
            maybeIncrementHighWatermark();
        } finally {
            lock.readLock().unlock();
        }
        listener.onLogChange(this);
    }

    private void markFenced() {
        lock.writeLock().lock();
        try {
            if (role != Role.LEADER || fenced) {
                return;
            }
            fenced = true;
        } finally {
            lock.writeLock().unlock();
        }
        listener.onLogChange(this);
    }

    /**
     * Moves the high watermark up to the smallest log end of the (maximal) in-sync set; never down. Followers whose
     * log end this leader has not heard yet hold it where it is.
     *
     * @return true if it moved.
     */
    public boolean maybeIncrementHighWatermark() {
        if (role != Role.LEADER) {
            return false;
        }
        long candidate = log.logEndOffset();
        for (final int replica : maximalIsr()) {
            if (replica != localReplicaId) {
                final FollowerState state = followers.get(replica);
                candidate = Math.min(candidate, state == null ? UNKNOWN_OFFSET : state.logEndOffset);
            }
        }
        return advanceHighWatermark(candidate);
    }

    private boolean advanceHighWatermark(final long candidate) {
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

    private int[] maximalIsr() {
        final int[] committed = inSyncReplicas;
        final int[] pending = pendingInSyncReplicas;
        if (pending == null) {
            return committed;
        }
        final int[] union = Arrays.copyOf(committed, committed.length + pending.length);
        int n = committed.length;
        for (final int replica : pending) {
            if (!contains(committed, replica)) {
                union[n++] = replica;
            }
        }
        return Arrays.copyOf(union, n);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Role changes (called by ReplicaManager)
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Becomes (or stays) leader at {@code state.leaderEpoch()}: records the epoch's start offset (the log end) in the
     * leader-epoch cache, adopts the in-sync set and resets what it knows of followers (their log ends are unknown
     * until they fetch; members of the in-sync set count as caught up now, so they are not removed at once).
     */
    void makeLeader(final LeaderAndIsr state, final List<Integer> replicas, final PartitionStateStore store,
                    final long lagTimeMaxMs) {
        lock.writeLock().lock();
        try {
            final boolean newEpoch = role != Role.LEADER || state.leaderEpoch() != leaderEpoch;
            stateStore = store;
            replicaLagTimeMaxMs = lagTimeMaxMs;
            leaderId = localReplicaId;
            inSyncReplicas = toArray(state.isr());
            assignedReplicas = toArray(replicas);
            partitionEpoch = state.partitionEpoch();
            pendingInSyncReplicas = null;
            fenced = false;
            if (newEpoch) {
                leaderEpoch = state.leaderEpoch();
                leaderEpochStartOffset = log.logEndOffset();
                epochCache.assign(leaderEpoch, leaderEpochStartOffset);
                final long nowMs = time.milliseconds();
                final Map<Integer, FollowerState> fresh = new HashMap<>();
                for (final int replica : assignedReplicas) {
                    if (replica != localReplicaId) {
                        final FollowerState follower = new FollowerState();
                        follower.lastCaughtUpTimeMs = contains(inSyncReplicas, replica) ? nowMs : 0L;
                        fresh.put(replica, follower);
                    }
                }
                followers = fresh;
            } else {
                final Map<Integer, FollowerState> kept = new HashMap<>();
                for (final int replica : assignedReplicas) {
                    if (replica != localReplicaId) {
                        final FollowerState follower = followers.get(replica);
                        kept.put(replica, follower == null ? new FollowerState() : follower);
                    }
                }
                followers = kept;
            }
            role = Role.LEADER;
        } finally {
            lock.writeLock().unlock();
        }
        afterIsrAnswer();
    }

    /**
     * Becomes a follower of {@code leader} at {@code epoch}: stops taking writes at once; parked acks=all produces
     * fail with NOT_LEADER_OR_FOLLOWER when the listener checks them.
     */
    void makeFollower(final int leader, final int epoch, final List<Integer> replicas) {
        lock.writeLock().lock();
        try {
            role = Role.FOLLOWER;
            fenced = false;
            leaderId = leader;
            leaderEpoch = epoch;
            assignedReplicas = toArray(replicas);
            inSyncReplicas = new int[0];
            pendingInSyncReplicas = null;
            followers = Collections.emptyMap();
        } finally {
            lock.writeLock().unlock();
        }
        listener.onLogChange(this);
    }

    /** Stops being leader or follower (StopReplica); parked produces fail. */
    void makeOffline() {
        lock.writeLock().lock();
        try {
            role = Role.NONE;
            leaderId = LeaderAndIsr.NO_LEADER;
            inSyncReplicas = new int[0];
            pendingInSyncReplicas = null;
            followers = Collections.emptyMap();
        } finally {
            lock.writeLock().unlock();
        }
        listener.onLogChange(this);
    }

    LeaderEpochCache epochCache() {
        return epochCache;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Follower side (called by the replica fetcher)
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Appends the leader's batches as they are (same offsets and epochs) and records each new epoch's first offset
     * in the leader-epoch cache.
     *
     * @param records the batches between position and limit.
     * @param result  filled with the offsets or the error.
     * @return an engine code, or NOT_LEADER_OR_FOLLOWER when this replica is no longer a follower.
     */
    public int appendAsFollower(final ByteBuffer records, final AppendResult result) {
        final int code;
        lock.readLock().lock();
        try {
            if (role != Role.FOLLOWER) {
                return ReplicationError.NOT_LEADER_OR_FOLLOWER;
            }
            final int start = records.position();
            final int end = records.limit();
            code = log.tryAppendAsFollower(records, result);
            if (code == ErrorCode.NONE) {
                // one fetch thread per partition appends: the view is not shared
                synchronized (followerView) {
                    int position = start;
                    while (position < end) {
                        followerView.wrap(records, position);
                        final int epoch = followerView.partitionLeaderEpoch();
                        if (epoch > epochCache.latestEpoch()) {
                            epochCache.assign(epoch, followerView.baseOffset());
                        }
                        position += followerView.sizeInBytes();
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        if (code == ErrorCode.NONE) {
            listener.onLogChange(this);
        }
        return code;
    }

    /**
     * A follower's high watermark: the leader's, bounded by the local log end; never backwards.
     *
     * @param leaderHighWatermark the leader's high watermark from a fetch response.
     */
    public void updateFollowerHighWatermark(final long leaderHighWatermark) {
        if (advanceHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()))) {
            listener.onLogChange(this);
        }
    }

    /**
     * Cuts the follower's log (and its epoch cache) to {@code offset}; the high watermark follows only if it was
     * above (which the epoch rules exclude for data that was committed).
     *
     * @param offset the new log end.
     * @throws IOException if the log cannot be truncated.
     */
    public void truncateTo(final long offset) throws IOException {
        lock.writeLock().lock();
        try {
            if (offset < log.logEndOffset()) {
                log.truncateTo(offset);
            }
            epochCache.truncateFromEnd(offset);
            clampHighWatermark(log.logEndOffset());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Empties the follower's log and starts it at {@code offset} (the leader's log start moved past it).
     *
     * @param offset the new log start and end.
     * @throws IOException if the log cannot be changed.
     */
    public void truncateFullyAndStartAt(final long offset) throws IOException {
        lock.writeLock().lock();
        try {
            log.truncateFullyAndStartAt(offset);
            epochCache.clear();
            highWatermark.set(offset);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void clampHighWatermark(final long logEnd) {
        while (true) {
            final long current = highWatermark.get();
            if (current <= logEnd || highWatermark.compareAndSet(current, logEnd)) {
                return;
            }
        }
    }

    /**
     * DeleteRecords may move the log start past the old high watermark only if it is below it; a truncation
     * elsewhere may leave the log end below the high watermark: both keep the watermark within the log.
     */
    public void onLogStartChanged() {
        final long start = log.logStartOffset();
        epochCache.truncateFromStart(start);
        while (true) {
            final long current = highWatermark.get();
            if (current >= start || highWatermark.compareAndSet(current, start)) {
                break;
            }
        }
        listener.onLogChange(this);
    }

    private static boolean contains(final int[] set, final int replica) {
        for (final int member : set) {
            if (member == replica) {
                return true;
            }
        }
        return false;
    }

    private static List<Integer> toList(final int[] set) {
        final List<Integer> list = new ArrayList<>(set.length);
        for (final int member : set) {
            list.add(member);
        }
        return list;
    }

    private static int[] toArray(final List<Integer> list) {
        final int[] array = new int[list.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = list.get(i);
        }
        Arrays.sort(array);
        return array;
    }

    @Override
    public String toString() {
        return "Partition{" + topicPartition + ", role=" + role + ", leaderEpoch=" + leaderEpoch + ", isr="
            + Arrays.toString(inSyncReplicas) + ", highWatermark=" + highWatermark.get() + ", logEnd="
            + log.logEndOffset() + '}';
    }
}
