package keel.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import keel.replication.testing.SimulatedCluster;
import keel.replication.testing.SimulatedCluster.Node;
import keel.replication.testing.SimulatedCluster.Produce;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-replica partition in one JVM: real logs, a simulated network, a manual clock; one behaviour per test.
 */
@Timeout(60)
class ReplicaManagerTest {
    private static final long LAG_MS = 1000;

    @TempDir
    Path dir;

    private SimulatedCluster cluster;

    private SimulatedCluster start(final int minInSyncReplicas) {
        cluster = new SimulatedCluster(dir, 3, 42L, config(), minInSyncReplicas).start();
        return cluster;
    }

    static ReplicationConfig config() {
        return new ReplicationConfig().replicaLagTimeMaxMs(LAG_MS).replicaFetchBackoffMs(50)
            .replicaFetchWaitMaxMs(20).highWatermarkCheckpointIntervalMs(500);
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Produce acked(final int node, final String... values) {
        final Produce produce = cluster.produce(node, -1, values);
        cluster.run(200);
        assertTrue(produce.acknowledged(), produce.toString());
        return produce;
    }

    @Test
    void shouldShrinkIsrWhenFollowerLagsPastReplicaLagTimeMax() {
        start(2);
        acked(1, "a");
        cluster.network().partition(1, 3);

        cluster.run(LAG_MS / 2);
        assertEquals(List.of(1, 2, 3), cluster.state().isr(), "still within replica.lag.time.max.ms");
        cluster.run(LAG_MS * 2);

        assertEquals(List.of(1, 2), cluster.state().isr());
        assertEquals(List.of(1, 2), cluster.node(1).partition().inSyncReplicas());
    }

    @Test
    void shouldExpandIsrWhenFollowerCatchesUp() {
        start(2);
        cluster.network().partition(1, 3);
        cluster.run(LAG_MS * 2);
        acked(1, "a", "b");
        assertEquals(List.of(1, 2), cluster.state().isr());

        cluster.network().heal(1, 3);
        cluster.run(500);

        assertEquals(List.of(1, 2, 3), cluster.state().isr());
        assertEquals(cluster.node(1).log().logEndOffset(), cluster.node(3).log().logEndOffset());
    }

    @Test
    void shouldKeepInSyncSetWhenStoreRefusesTheChange() {
        start(2);
        cluster.failIsrUpdates(true);
        cluster.network().partition(1, 3);

        cluster.run(LAG_MS * 3);

        assertEquals(List.of(1, 2, 3), cluster.node(1).partition().inSyncReplicas());
        assertEquals(List.of(1, 2, 3), cluster.state().isr());
    }

    @Test
    void shouldCompleteAcksAllOnlyWhenEveryInSyncReplicaHasTheBatch() {
        start(2);
        cluster.network().slow(3, 100);
        final Produce produce = cluster.produce(1, -1, "a", "b", "c");
        final long required = produce.firstOffset() + 3;
        final boolean[] sawPending = new boolean[1];

        cluster.run(600, () -> {
            if (produce.acknowledged()) {
                for (final int member : cluster.node(1).partition().inSyncReplicas()) {
                    assertTrue(cluster.node(member).log().logEndOffset() >= required,
                        "acknowledged before ISR member " + member + " had the batch");
                }
            } else {
                sawPending[0] = true;
            }
        });

        assertTrue(sawPending[0]);
        assertTrue(produce.acknowledged(), produce.toString());
        assertEquals(List.of(1, 2, 3), cluster.state().isr());
    }

    @Test
    void shouldRefuseAcksAllWithNotEnoughReplicasWhenInSyncSetIsBelowMinimum() {
        start(2);
        cluster.network().partition(1, 2);
        cluster.network().partition(1, 3);
        cluster.run(LAG_MS * 2);
        assertEquals(List.of(1), cluster.state().isr());
        final long logEnd = cluster.node(1).log().logEndOffset();

        final Produce produce = cluster.produce(1, -1, "a");

        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS, produce.errorCode());
        assertEquals(logEnd, cluster.node(1).log().logEndOffset());
    }

    @Test
    void shouldAnswerNotEnoughReplicasAfterAppendWhenInSyncSetShrinksWhileWaiting() {
        start(3);
        cluster.network().partition(1, 3);

        final Produce produce = cluster.produce(1, -1, "a");
        cluster.run(LAG_MS * 2);

        assertEquals(ReplicationError.NOT_ENOUGH_REPLICAS_AFTER_APPEND, produce.errorCode());
        assertEquals(List.of(1, 2), cluster.state().isr());
    }

    @Test
    void shouldAnswerAcksOneAfterLocalAppend() {
        start(2);
        cluster.network().partition(1, 2);
        cluster.network().partition(1, 3);

        final Produce produce = cluster.produce(1, 1, "a");

        assertEquals(ReplicationError.NONE, produce.errorCode());
        assertEquals(0, cluster.node(1).partition().highWatermark());
    }

    @Test
    void shouldFailParkedProduceWithNotLeaderWhenLeaderChanges() {
        start(2);
        final Produce committed = acked(1, "a", "b");
        cluster.network().partition(1, 2);
        cluster.network().partition(1, 3);
        final Produce parked = cluster.produce(1, -1, "x");
        cluster.run(50);
        assertEquals(Partition.PENDING, parked.errorCode());

        cluster.electLeader(2);

        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, parked.errorCode());
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, cluster.produce(1, 1, "y").errorCode());
        cluster.network().healAll();
        cluster.run(500);
        final List<String> expected = List.of("0:a", "1:b");
        for (final Node node : cluster.nodes()) {
            assertEquals(expected, SimulatedCluster.records(node.log()), "node " + node.id());
        }
        assertTrue(committed.acknowledged());
    }

    @Test
    void shouldTruncateDivergentTailWhenOldLeaderRejoinsAsFollower() {
        start(2);
        acked(1, "a", "b");
        cluster.network().partition(1, 2);
        cluster.network().partition(1, 3);
        assertEquals(ReplicationError.NONE, cluster.produce(1, 1, "x", "y").errorCode());
        cluster.electLeader(2);
        assertEquals(ReplicationError.NONE, cluster.produce(2, 1, "c").errorCode());
        assertEquals(ReplicationError.NONE, cluster.produce(2, 1, "d", "e", "f").errorCode());
        cluster.run(100);

        cluster.network().healAll();
        cluster.run(500);

        final List<String> leader = SimulatedCluster.records(cluster.node(2).log());
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d", "4:e", "5:f"), leader);
        assertEquals(leader, SimulatedCluster.records(cluster.node(1).log()));
        assertEquals(cluster.node(2).partition().epochStartOffsets(), cluster.node(1).partition().epochStartOffsets());
        assertEquals(Map.of(0, 0L, 1, 2L), cluster.node(1).partition().epochStartOffsets());
    }

    @Test
    void shouldTruncateThroughSeveralEpochsWhenFollowerMissedThem() {
        start(1);
        acked(1, "a");
        // node 3 is cut off while two more leaders come and go, then it leads nothing and rejoins
        cluster.network().partition(3, 1);
        cluster.network().partition(3, 2);
        cluster.run(LAG_MS * 2);
        cluster.electLeader(2);
        acked(2, "b");
        cluster.electLeader(1);
        acked(1, "c");

        cluster.network().healAll();
        cluster.run(1000);

        assertEquals(SimulatedCluster.records(cluster.node(1).log()), SimulatedCluster.records(cluster.node(3).log()));
        assertEquals(List.of(1, 2, 3), cluster.state().isr());
    }

    @Test
    void shouldAnswerFencedLeaderEpochWhenFollowerFetchCarriesOlderEpoch() {
        start(2);
        cluster.electLeader(2);
        final ReplicaManager leader = cluster.node(2).manager();

        assertEquals(ReplicationError.FENCED_LEADER_EPOCH, leader.onFollowerFetch(SimulatedCluster.TP, 3, 0, 0));
        assertEquals(ReplicationError.FENCED_LEADER_EPOCH,
            leader.offsetForLeaderEpoch(SimulatedCluster.TP, 0, 0).errorCode());
    }

    @Test
    void shouldStopTakingWritesWhenFollowerFetchCarriesNewerEpoch() {
        start(2);

        assertEquals(ReplicationError.UNKNOWN_LEADER_EPOCH,
            cluster.node(1).manager().onFollowerFetch(SimulatedCluster.TP, 3, 0, 5));

        assertFalse(cluster.node(1).partition().isLeader());
        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, cluster.produce(1, 1, "a").errorCode());
    }

    @Test
    void shouldRefuseBecomeLeaderWithOlderEpoch() {
        start(2);
        cluster.electLeader(2);
        final Node node = cluster.node(1);

        final int code = node.manager().becomeLeader(node.partition(), new LeaderAndIsr(1, 0, List.of(1), 0),
            List.of(1, 2, 3));

        assertEquals(ReplicationError.FENCED_LEADER_EPOCH, code);
        assertEquals(Partition.Role.FOLLOWER, node.partition().role());
    }

    @Test
    void shouldRestartFollowerLogAtLeaderLogStartWhenLeaderDeletedWhatItNeeds() throws IOException {
        start(1);
        acked(1, "a");
        cluster.kill(3);
        cluster.run(LAG_MS * 2);
        for (int i = 0; i < 10; i++) {
            acked(1, "r" + i);
        }
        final Node leader = cluster.node(1);
        assertEquals(ErrorCodeNone.NONE, leader.log().deleteRecordsBefore(8));
        leader.partition().onLogStartChanged();

        cluster.restart(3);
        cluster.run(500);

        final Node follower = cluster.node(3);
        assertEquals(8, follower.log().logStartOffset());
        assertEquals(SimulatedCluster.records(leader.log()), SimulatedCluster.records(follower.log()));
        assertEquals(List.of(1, 2, 3), cluster.state().isr());
    }

    @Test
    void shouldWriteHighWatermarkCheckpointInKafkaFormat() throws IOException {
        start(2);
        acked(1, "a", "b", "c");
        cluster.run(100);

        cluster.node(2).manager().checkpointHighWatermarks();

        final Map<TopicPartition, Long> expected = new HashMap<>();
        expected.put(SimulatedCluster.TP, 3L);
        assertEquals(expected, ReplicaManager.readHighWatermarks(cluster.node(2).log().dir().getParent()));
        assertEquals(List.of("0", "1", "t 0 3"), java.nio.file.Files.readAllLines(cluster.node(2).log().dir()
            .getParent().resolve(ReplicaManager.HIGH_WATERMARK_CHECKPOINT)));
    }

    @Test
    void shouldFailParkedProduceAndStopFetchingWhenReplicaStopped() throws IOException {
        start(2);
        cluster.network().partition(1, 2);
        cluster.network().partition(1, 3);
        final Produce parked = cluster.produce(1, -1, "x");
        cluster.run(50);

        cluster.node(1).manager().stopReplica(SimulatedCluster.TP, false);

        assertEquals(ReplicationError.NOT_LEADER_OR_FOLLOWER, parked.errorCode());
        assertEquals(Partition.Role.NONE, cluster.node(1).partition().role());
        assertEquals(null, cluster.node(1).manager().partition(SimulatedCluster.TP));
    }

    @Test
    void shouldDeleteEpochCheckpointWhenReplicaStoppedForDeletion() throws IOException {
        start(2);
        acked(1, "a");
        final Path checkpoint = cluster.node(3).log().dir().resolve("leader-epoch-checkpoint");
        assertTrue(java.nio.file.Files.exists(checkpoint));

        cluster.node(3).manager().stopReplica(SimulatedCluster.TP, true);
        final long logEnd = cluster.node(3).log().logEndOffset();
        assertEquals(ReplicationError.NONE, cluster.produce(1, 1, "b").errorCode());
        cluster.run(200);

        assertFalse(java.nio.file.Files.exists(checkpoint));
        assertEquals(logEnd, cluster.node(3).log().logEndOffset(), "a stopped replica fetches nothing");
    }

    /** Engine code NONE, named for readability. */
    private static final class ErrorCodeNone {
        static final int NONE = keel.log.ErrorCode.NONE;
    }
}
