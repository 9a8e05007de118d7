package keel.replication.testing;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import keel.log.ErrorCode;
import keel.log.ReadResult;
import keel.replication.EpochEndOffset;
import keel.replication.Partition;
import keel.replication.ReplicaManager;
import keel.replication.ReplicaTransport;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;

/**
 * A {@link ReplicaTransport} between in-process brokers, driven by a {@link ManualScheduler}: each request and each
 * response travels with a seeded random delay, may be lost (seeded), and is dropped between partitioned nodes or to
 * a stopped node; a lost message is answered with REQUEST_TIMED_OUT after the request timeout, as a real client
 * would. The leader side is what the server's Fetch and OffsetForLeaderEpoch handlers do. Confined to the
 * scheduler's thread.
 */
public final class SimulatedNetwork implements ReplicaTransport {
    private final ManualScheduler scheduler;
    private final Random random;
    private final Map<Integer, ReplicaManager> nodes = new HashMap<>();
    private final Set<Long> cut = new HashSet<>();
    private final Map<Integer, Long> extraDelayMs = new HashMap<>();
    private long minDelayMs = 1;
    private long maxDelayMs = 3;
    private double lossRate;
    private long requestTimeoutMs = 100;
    private long messages;
    private long lost;

    public SimulatedNetwork(final ManualScheduler scheduler, final long seed) {
        this.scheduler = scheduler;
        this.random = new Random(seed);
    }

    public void register(final int brokerId, final ReplicaManager manager) {
        nodes.put(brokerId, manager);
    }

    /** The node is down: everything to and from it is lost. */
    public void unregister(final int brokerId) {
        nodes.remove(brokerId);
    }

    public SimulatedNetwork delays(final long minMs, final long maxMs) {
        this.minDelayMs = minMs;
        this.maxDelayMs = maxMs;
        return this;
    }

    public SimulatedNetwork lossRate(final double rate) {
        this.lossRate = rate;
        return this;
    }

    public SimulatedNetwork requestTimeoutMs(final long ms) {
        this.requestTimeoutMs = ms;
        return this;
    }

    /** Makes every message from or to {@code brokerId} this much slower (a slow follower). */
    public void slow(final int brokerId, final long ms) {
        extraDelayMs.put(brokerId, ms);
    }

    /** Drops all traffic between {@code a} and {@code b}. */
    public void partition(final int a, final int b) {
        cut.add(key(a, b));
    }

    public void heal(final int a, final int b) {
        cut.remove(key(a, b));
    }

    public void healAll() {
        cut.clear();
    }

    public long messages() {
        return messages;
    }

    public long lost() {
        return lost;
    }

    private static long key(final int a, final int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private boolean delivered(final int from, final int to) {
        messages++;
        if (cut.contains(key(from, to)) || !nodes.containsKey(to) || !nodes.containsKey(from)
            || random.nextDouble() < lossRate) {
            lost++;
            return false;
        }
        return true;
    }

    private long delay(final int from, final int to) {
        return minDelayMs + (long) (random.nextDouble() * (maxDelayMs - minDelayMs + 1))
            + extraDelayMs.getOrDefault(from, 0L) + extraDelayMs.getOrDefault(to, 0L);
    }

    @Override
    public void fetch(final int sourceBrokerId, final int replicaId, final long maxWaitMs,
                      final List<FetchPartition> partitions, final FetchCallback callback) {
        if (!delivered(replicaId, sourceBrokerId)) {
            scheduler.schedule(() -> callback.onFetch(ReplicationError.REQUEST_TIMED_OUT, Map.of()),
                requestTimeoutMs);
            return;
        }
        scheduler.schedule(() -> {
            final ReplicaManager leader = nodes.get(sourceBrokerId);
            if (leader == null) {
                scheduler.schedule(() -> callback.onFetch(ReplicationError.REQUEST_TIMED_OUT, Map.of()),
                    requestTimeoutMs);
                return;
            }
            final Map<TopicPartition, FetchResult> results = new HashMap<>();
            boolean any = false;
            for (final FetchPartition request : partitions) {
                final FetchResult result = serveFetch(leader, replicaId, request);
                any |= result.errorCode() != ReplicationError.NONE || result.records().hasRemaining();
                results.put(request.partition(), result);
            }
            // a long poll without early wake-up: an answer without data waits maxWaitMs
            final long wait = any ? 0 : maxWaitMs;
            if (!delivered(sourceBrokerId, replicaId)) {
                scheduler.schedule(() -> callback.onFetch(ReplicationError.REQUEST_TIMED_OUT, Map.of()),
                    requestTimeoutMs);
                return;
            }
            scheduler.schedule(() -> callback.onFetch(ReplicationError.NONE, results),
                wait + delay(sourceBrokerId, replicaId));
        }, delay(replicaId, sourceBrokerId));
    }

    /** What the server's Fetch handler does for a follower's partition. */
    public static FetchResult serveFetch(final ReplicaManager leader, final int replicaId,
                                         final FetchPartition request) {
        final Partition partition = leader.partition(request.partition());
        final int code = leader.onFollowerFetch(request.partition(), replicaId, request.fetchOffset(),
            request.currentLeaderEpoch());
        if (code == ReplicationError.OFFSET_OUT_OF_RANGE) {
            return new FetchResult(code, partition.highWatermark(), partition.log().logStartOffset(),
                ByteBuffer.allocate(0));
        }
        if (code != ReplicationError.NONE) {
            return FetchResult.error(code);
        }
        try (ReadResult read = new ReadResult()) {
            final int readCode = partition.readForFollower(request.fetchOffset(), request.maxBytes(), read);
            if (readCode != ErrorCode.NONE) {
                return new FetchResult(readCode, partition.highWatermark(), partition.log().logStartOffset(),
                    ByteBuffer.allocate(0));
            }
            final ByteBuffer copy = ByteBuffer.allocate(read.sizeInBytes());
            read.readFully(copy);
            copy.flip();
            return new FetchResult(ReplicationError.NONE, partition.highWatermark(),
                partition.log().logStartOffset(), copy);
        } catch (final java.io.IOException ex) {
            return FetchResult.error(ReplicationError.KAFKA_STORAGE_ERROR);
        }
    }

    @Override
    public void offsetForLeaderEpoch(final int sourceBrokerId, final int replicaId, final TopicPartition partition,
                                     final int currentLeaderEpoch, final int leaderEpoch,
                                     final EpochCallback callback) {
        final Runnable timeout = () -> callback.onEpochEndOffset(EpochEndOffset.error(
            ReplicationError.REQUEST_TIMED_OUT));
        if (!delivered(replicaId, sourceBrokerId)) {
            scheduler.schedule(timeout, requestTimeoutMs);
            return;
        }
        scheduler.schedule(() -> {
            final ReplicaManager leader = nodes.get(sourceBrokerId);
            if (leader == null || !delivered(sourceBrokerId, replicaId)) {
                scheduler.schedule(timeout, requestTimeoutMs);
                return;
            }
            final EpochEndOffset answer = leader.offsetForLeaderEpoch(partition, currentLeaderEpoch, leaderEpoch);
            scheduler.schedule(() -> callback.onEpochEndOffset(answer), delay(sourceBrokerId, replicaId));
        }, delay(replicaId, sourceBrokerId));
    }
}
