package keel.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import keel.log.AppendResult;
import keel.log.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one source broker (their leader). It works in rounds driven by
 * transport callbacks, not by a thread of its own: a round sends one OffsetForLeaderEpoch request per partition
 * that must first find where its log diverges from the leader's, and one Fetch request for all the others; when
 * every answer is in, the next round is scheduled at once (after progress, or after an answer without error: the
 * leader's long poll paces it) or after {@code replica.fetch.backoff.ms} (after errors). A non-blocking design
 * because the server's client connections are non-blocking too, and because a test can then run a whole cluster
 * step by step on one thread with a simulated network.
 *
 * <p>Truncation (KIP-101/279), for a partition that has just become a follower: ask the leader for the end offset
 * of the follower's latest epoch; if the leader answers an epoch the follower does not have, truncate to the
 * follower's end of the largest epoch below it and ask again; otherwise truncate to the smaller of both end offsets
 * for that epoch, and start fetching. Never by the high watermark alone (that is only the fallback for a log
 * without epochs).
 *
 * <p>Thread-safe: the fetcher's state is guarded by its monitor; callbacks may run on any thread.
 */
final class ReplicaFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    private final int sourceBrokerId;
    private final int localBrokerId;
    private final ReplicaTransport transport;
    private final Scheduler scheduler;
    private final ReplicationConfig config;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final AppendResult appendResult = new AppendResult();
    private boolean roundInFlight;
    private boolean roundScheduled;
    private boolean closed;
    private int outstanding;
    private boolean progress;
    private boolean failed;
    private long rounds;

    /** One followed partition. Fields guarded by the fetcher's monitor. */
    private static final class PartitionState {
        private final Partition partition;
        private final int leaderEpoch;
        private boolean truncating = true;

        PartitionState(final Partition partition, final int leaderEpoch) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    ReplicaFetcher(final int sourceBrokerId, final int localBrokerId, final ReplicaTransport transport,
                   final Scheduler scheduler, final ReplicationConfig config) {
        this.sourceBrokerId = sourceBrokerId;
        this.localBrokerId = localBrokerId;
        this.transport = transport;
        this.scheduler = scheduler;
        this.config = config;
    }

    int sourceBrokerId() {
        return sourceBrokerId;
    }

    /**
     * Starts following {@code partition} at {@code leaderEpoch}: it first truncates its divergent tail.
     */
    synchronized void add(final Partition partition, final int leaderEpoch) {
        partitions.put(partition.topicPartition(), new PartitionState(partition, leaderEpoch));
        maybeScheduleRound(0);
    }

    synchronized void remove(final TopicPartition partition) {
        partitions.remove(partition);
    }

    synchronized boolean contains(final TopicPartition partition) {
        return partitions.containsKey(partition);
    }

    /**
     * @return true while the partition still negotiates its truncation point.
     */
    synchronized boolean isTruncating(final TopicPartition partition) {
        final PartitionState state = partitions.get(partition);
        return state != null && state.truncating;
    }

    synchronized long rounds() {
        return rounds;
    }

    synchronized void close() {
        closed = true;
        partitions.clear();
    }

    private void maybeScheduleRound(final long delayMs) {
        if (!roundInFlight && !roundScheduled && !closed && !partitions.isEmpty()) {
            roundScheduled = true;
            scheduler.schedule(this::runRound, delayMs);
        }
    }

    private void runRound() {
        final List<PartitionState> truncations = new ArrayList<>();
        final List<PartitionState> fetching = new ArrayList<>();
        final List<ReplicaTransport.FetchPartition> requests = new ArrayList<>();
        synchronized (this) {
            roundScheduled = false;
            if (closed || roundInFlight || partitions.isEmpty()) {
                return;
            }
            rounds++;
            for (final PartitionState state : partitions.values()) {
                if (state.truncating && state.partition.latestCachedEpoch() < 0) {
                    // a log without epochs: Kafka's pre-KIP-101 fallback, the high watermark
                    truncateQuietly(state, Math.min(state.partition.highWatermark(),
                        state.partition.log().logEndOffset()));
                    state.truncating = false;
                }
                if (state.truncating) {
                    truncations.add(state);
                } else {
                    final Partition p = state.partition;
                    fetching.add(state);
                    requests.add(new ReplicaTransport.FetchPartition(p.topicPartition(), p.log().logEndOffset(),
                        state.leaderEpoch, p.latestCachedEpoch(), p.log().logStartOffset(),
                        config.replicaFetchMaxBytes()));
                }
            }
            roundInFlight = true;
            progress = false;
            failed = false;
            outstanding = truncations.size() + (requests.isEmpty() ? 0 : 1);
            if (outstanding == 0) {
                roundInFlight = false;
                maybeScheduleRound(0);
                return;
            }
        }
        for (final PartitionState state : truncations) {
            final int epoch = state.partition.latestCachedEpoch();
            transport.offsetForLeaderEpoch(sourceBrokerId, localBrokerId, state.partition.topicPartition(),
                state.leaderEpoch, epoch, result -> onEpochEndOffset(state, epoch, result));
        }
        if (!requests.isEmpty()) {
            transport.fetch(sourceBrokerId, localBrokerId, config.replicaFetchWaitMaxMs(), requests,
                (errorCode, results) -> onFetch(fetching, errorCode, results));
        }
    }

    private void onEpochEndOffset(final PartitionState state, final int requestedEpoch, final EpochEndOffset leader) {
        synchronized (this) {
            if (closed || partitions.get(state.partition.topicPartition()) != state) {
                answered(false, false);
                return;
            }
            if (leader.errorCode() != ReplicationError.NONE) {
                answered(false, true);
                return;
            }
            final Partition p = state.partition;
            final long logEnd = p.log().logEndOffset();
            final long target;
            boolean done = true;
            if (leader.isUndefined()) {
                // the leader knows no epoch at or below ours: Kafka truncates to the high watermark
                target = Math.min(p.highWatermark(), logEnd);
            } else if (leader.leaderEpoch() == EpochEndOffset.UNDEFINED_EPOCH) {
                target = Math.min(leader.endOffset(), logEnd);
            } else {
                final EpochEndOffset local = p.localEndOffsetForEpoch(leader.leaderEpoch());
                if (local.isUndefined()) {
                    target = Math.min(leader.endOffset(), logEnd);
                } else if (local.leaderEpoch() != leader.leaderEpoch()) {
                    // we do not have the leader's epoch: cut to the end of our largest epoch below it, ask again
                    target = Math.min(local.endOffset(), logEnd);
                    done = false;
                } else {
                    target = Math.min(Math.min(local.endOffset(), leader.endOffset()), logEnd);
                }
            }
            if (target < logEnd) {
                LOG.info("Truncating {} from {} to {} (asked for epoch {}, leader {} answered {})",
                    p.topicPartition(), logEnd, target, requestedEpoch, sourceBrokerId, leader);
            }
            final boolean ok = truncateQuietly(state, target);
            if (ok && done) {
                state.truncating = false;
            }
            answered(ok, !ok);
        }
    }

    private void onFetch(final List<PartitionState> fetched, final int errorCode,
                         final Map<TopicPartition, ReplicaTransport.FetchResult> results) {
        synchronized (this) {
            if (closed) {
                answered(false, false);
                return;
            }
            if (errorCode != ReplicationError.NONE) {
                answered(false, true);
                return;
            }
            boolean gotData = false;
            boolean gotError = false;
            for (final PartitionState state : fetched) {
                if (partitions.get(state.partition.topicPartition()) != state || state.truncating) {
                    continue;
                }
                final ReplicaTransport.FetchResult result = results.get(state.partition.topicPartition());
                final int code = result == null ? ReplicationError.NETWORK_EXCEPTION : result.errorCode();
                if (code == ReplicationError.NONE) {
                    gotData |= applyRecords(state, result);
                } else if (code == ReplicationError.OFFSET_OUT_OF_RANGE) {
                    gotData |= onOutOfRange(state, result);
                } else {
                    gotError = true;
                }
            }
            answered(gotData, gotError);
        }
    }

    private boolean applyRecords(final PartitionState state, final ReplicaTransport.FetchResult result) {
        final Partition p = state.partition;
        final ByteBuffer records = result.records();
        boolean appended = false;
        if (records.hasRemaining()) {
            final int code = p.appendAsFollower(records, appendResult);
            if (code != ErrorCode.NONE) {
                // batches that do not continue our log: find the divergence point again
                LOG.warn("Follower append to {} from leader {} failed with {}: {}; truncating again",
                    p.topicPartition(), sourceBrokerId, ReplicationError.name(code), appendResult.errorMessage());
                state.truncating = true;
                return false;
            }
            appended = true;
        }
        p.updateFollowerHighWatermark(result.highWatermark());
        final long leaderStart = result.logStartOffset();
        if (leaderStart > p.log().logStartOffset() && leaderStart <= p.log().logEndOffset()) {
            try {
                p.log().deleteRecordsBefore(leaderStart);
                p.onLogStartChanged();
            } catch (final IOException ex) {
                LOG.error("Cannot move the log start of {} to the leader's {}", p.topicPartition(), leaderStart, ex);
            }
        }
        return appended;
    }

    private boolean onOutOfRange(final PartitionState state, final ReplicaTransport.FetchResult result) {
        final Partition p = state.partition;
        final long logEnd = p.log().logEndOffset();
        if (result.logStartOffset() > logEnd) {
            // the leader deleted what we need next: start over at its log start
            LOG.warn("{}: fetch offset {} is below leader {}'s log start {}; restarting the log there",
                p.topicPartition(), logEnd, sourceBrokerId, result.logStartOffset());
            try {
                p.truncateFullyAndStartAt(result.logStartOffset());
                return true;
            } catch (final IOException ex) {
                LOG.error("Cannot restart the log of {} at {}", p.topicPartition(), result.logStartOffset(), ex);
                return false;
            }
        }
        // our log end is past the leader's: negotiate the divergence point again
        state.truncating = true;
        return true;
    }

    private boolean truncateQuietly(final PartitionState state, final long offset) {
        try {
            state.partition.truncateTo(offset);
            return true;
        } catch (final IOException ex) {
            LOG.error("Cannot truncate {} to {}", state.partition.topicPartition(), offset, ex);
            return false;
        }
    }

    /** Called with the monitor held, once per answer of the round. */
    private void answered(final boolean madeProgress, final boolean error) {
        progress |= madeProgress;
        failed |= error;
        outstanding--;
        if (outstanding == 0) {
            roundInFlight = false;
            maybeScheduleRound(failed && !progress ? config.replicaFetchBackoffMs() : 0);
        }
    }

    @Override
    public synchronized String toString() {
        return "ReplicaFetcher{source=" + sourceBrokerId + ", local=" + localBrokerId + ", partitions="
            + partitions.keySet() + '}';
    }
}
