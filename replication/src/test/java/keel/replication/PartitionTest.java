package keel.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import keel.log.AppendResult;
import keel.log.Compression;
import keel.log.ErrorCode;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogOptions;
import keel.log.ReadResult;
import keel.log.RecordBatchBuilder;
import keel.log.testing.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {
    @TempDir
    Path dir;

    private final AtomicInteger changes = new AtomicInteger();
    private Log log;
    private Partition partition;

    @BeforeEach
    void setUp() throws IOException {
        log = Log.open(dir.resolve("t-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 1 << 20));
        partition = new Partition(log, 1, 0, p -> changes.incrementAndGet());
    }

    @AfterEach
    void tearDown() throws IOException {
        log.close();
    }

    @Test
    void shouldAdvanceHighWatermarkToLogEndWhenLeaderIsTheOnlyInSyncReplica() {
        final AppendResult result = new AppendResult();

        assertEquals(ErrorCode.NONE, partition.tryAppendAsLeader(batch(3), -1, 1, result));

        assertEquals(3, partition.highWatermark());
        assertEquals(1, changes.get());
    }

    @Test
    void shouldRefuseAcksAllWhenInSyncSetIsSmallerThanMinimum() {
        final AppendResult result = new AppendResult();

        assertEquals(Partition.NOT_ENOUGH_REPLICAS, partition.tryAppendAsLeader(batch(1), -1, 2, result));

        assertEquals(0, log.logEndOffset());
    }

    @Test
    void shouldAcceptAcksOneWhenInSyncSetIsSmallerThanMinimum() {
        assertEquals(ErrorCode.NONE, partition.tryAppendAsLeader(batch(1), 1, 2, new AppendResult()));
    }

    @Test
    void shouldNotMoveHighWatermarkBackwardsWhenLogStartMoves() throws IOException {
        partition.tryAppendAsLeader(batch(5), 1, 1, new AppendResult());
        log.deleteRecordsBefore(2);

        partition.onLogStartChanged();

        assertEquals(5, partition.highWatermark());
    }

    @Test
    void shouldReadNothingAtHighWatermark() {
        partition.tryAppendAsLeader(batch(2), 1, 1, new AppendResult());
        try (ReadResult read = new ReadResult()) {
            assertEquals(ErrorCode.NONE, partition.readCommitted(2, 1 << 20, true, read));
            assertEquals(0, read.sizeInBytes());
        }
    }

    @Test
    void shouldAnswerNoneWhenHighWatermarkPassedTheProduce() {
        final int epoch = partition.leaderEpoch();
        partition.tryAppendAsLeader(batch(2), -1, 1, new AppendResult());

        assertEquals(ReplicationError.NONE, partition.checkEnoughReplicasReachOffset(2, epoch, 1));
    }

    @Test
    void shouldAnswerNotLeaderWhenProduceWasAppendedAtAnotherEpoch() {
        partition.tryAppendAsLeader(batch(2), -1, 1, new AppendResult());

        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER,
            partition.checkEnoughReplicasReachOffset(2, partition.leaderEpoch() - 1, 1));
    }

    @Test
    void shouldAnswerNotLeaderWhenLogClosedWhileWaiting() throws IOException {
        final int epoch = partition.leaderEpoch();
        partition.tryAppendAsLeader(batch(1), -1, 1, new AppendResult());

        log.close();

        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, partition.checkEnoughReplicasReachOffset(1, epoch, 1));
    }

    @Test
    void shouldAnswerEndOffsetOfCurrentEpochWithLogEndWhenSingleNode() {
        partition.tryAppendAsLeader(batch(3), 1, 1, new AppendResult());

        assertEquals(new EpochEndOffset(ReplicationError.NONE, 0, 3), partition.endOffsetForEpoch(0, 0));
        assertEquals(ReplicationError.UNKNOWN_LEADER_EPOCH, partition.endOffsetForEpoch(1, 0).errorCode());
    }

    @Test
    @Timeout(30)
    void shouldKeepHighWatermarkMonotonicAndWithinEveryLogEndWhenAppendsAndFollowerFetchesRace() throws Exception {
        // the log's clock matches the batches' timestamps, so no append rolls a segment by time
        final Log leaderLog = Log.open(dir.resolve("r-0"), LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG,
            1 << 20), LogOptions.defaults().time(new ManualTime(1000L)).pretouchBytes(0), 0L, 0L, false);
        final Partition leader = new Partition(leaderLog, 1, 0, p -> { });
        leader.makeLeader(new LeaderAndIsr(1, 1, List.of(1, 2, 3), 0), List.of(1, 2, 3),
            PartitionStateStore.ACCEPT_ALL, 30_000);
        final int appends = 2000;
        final AtomicLong[] followerEnds = {new AtomicLong(), new AtomicLong()};
        final AtomicReference<String> violation = new AtomicReference<>();
        final Thread appender = new Thread(() -> {
            final AppendResult result = new AppendResult();
            for (int i = 0; i < appends; i++) {
                leader.tryAppendAsLeader(batch(1), 1, 1, result);
            }
        });
        final Thread[] followers = new Thread[2];
        for (int f = 0; f < 2; f++) {
            final int index = f;
            followers[f] = new Thread(() -> {
                // a follower that copies whatever is there, in steps, until it has every record
                while (followerEnds[index].get() < appends) {
                    final long target = Math.min(leaderLog.logEndOffset(), followerEnds[index].get() + 7);
                    followerEnds[index].set(target);
                    leader.onFollowerFetch(2 + index, target, 1);
                    Thread.onSpinWait();
                }
            });
        }
        final Thread checker = new Thread(() -> {
            long last = 0;
            while (followerEnds[0].get() < appends || followerEnds[1].get() < appends) {
                final long hw = leader.highWatermark();
                // the followers' ends are read after the HW: they only grow, so they bound it from above
                if (hw < last || hw > followerEnds[0].get() || hw > followerEnds[1].get()) {
                    violation.compareAndSet(null, "hw=" + hw + " last=" + last + " followers="
                        + followerEnds[0].get() + "," + followerEnds[1].get());
                }
                last = hw;
            }
        });
        appender.start();
        checker.start();
        for (final Thread t : followers) {
            t.start();
        }
        appender.join();
        for (final Thread t : followers) {
            t.join();
        }
        checker.join();
        leader.onFollowerFetch(2, appends, 1);
        leader.onFollowerFetch(3, appends, 1);

        assertEquals(null, violation.get());
        assertEquals(appends, leader.highWatermark());
        leaderLog.close();
    }

    @Test
    void shouldProposeRemovingInSyncFollowerThatFetchesBelowHighWatermark() throws IOException {
        final Log leaderLog = Log.open(dir.resolve("lost-0"), LogConfig.defaults(),
            LogOptions.defaults().time(new ManualTime(1000L)).pretouchBytes(0), 0L, 0L, false);
        final Partition leader = new Partition(leaderLog, 1, 0, p -> { });
        final java.util.List<java.util.List<Integer>> proposals = new java.util.ArrayList<>();
        leader.makeLeader(new LeaderAndIsr(1, 1, List.of(1, 2, 3), 0), List.of(1, 2, 3),
            (tp, proposed, callback) -> proposals.add(proposed.isr()), 30_000);
        final AppendResult result = new AppendResult();
        leader.tryAppendAsLeader(batch(10), 1, 1, result);
        leader.onFollowerFetch(2, 10, 1);
        leader.onFollowerFetch(3, 10, 1);
        assertEquals(10, leader.highWatermark());

        // follower 3 comes back from a crash that cost it its tail: it asks for offset 4, below the high watermark
        leader.onFollowerFetch(3, 4, 1);

        assertEquals(List.of(List.of(1, 2)), proposals, "follower 3 no longer holds every committed record");
        assertEquals(10, leader.highWatermark());
        leaderLog.close();
    }

    private static ByteBuffer batch(final int records) {
        try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.NONE)) {
            for (int i = 0; i < records; i++) {
                builder.append(1000L + i, null, ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            return builder.build();
        }
    }
}
