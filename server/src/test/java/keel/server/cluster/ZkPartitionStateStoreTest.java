package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import keel.log.testing.Await;
import keel.replication.ReplicationError;
import keel.replication.TopicPartition;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ZkPartitionStateStoreTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);

    private TestingServer server;
    private CuratorFramework zk;
    private ZkClusterView view;
    private ZkPartitionStateStore store;

    private record Outcome(int errorCode, keel.replication.LeaderAndIsr committed) {
    }

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        zk = ZkTesting.client(server);
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.topic("t"),
            new TopicAssignment(List.of(List.of(1, 2, 3))).toJson());
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.state("t", 0),
            new LeaderAndIsr(1, 2, List.of(1, 2, 3), 7, -1).toJson());
        view = ZkClusterView.open(zk, new PartitionLeadershipListener() {
            @Override
            public void onLeaderAndIsr(final String topic, final int partition, final List<Integer> replicas,
                                       final LeaderAndIsr state) {
                // the view's own state is what these tests read
            }

            @Override
            public void onPartitionDeleted(final String topic, final int partition) {
                // not exercised here
            }
        }, Time.SYSTEM);
        Await.await(() -> view.state("t", 0) != null, 10_000, () -> "t-0 in the view");
        store = new ZkPartitionStateStore(zk, view);
    }

    @AfterEach
    void tearDown() throws Exception {
        view.close();
        zk.close();
        server.close();
    }

    private Outcome propose(final int leaderEpoch, final List<Integer> isr, final int partitionEpoch)
        throws Exception {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        store.tryUpdateIsr(T0, new keel.replication.LeaderAndIsr(1, leaderEpoch, isr, partitionEpoch),
            (code, committed) -> outcome.complete(new Outcome(code, committed)));
        return outcome.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldCommitIsrWithNextPartitionEpochAndKeepControllerEpochWhenVersionMatches() throws Exception {
        final Outcome outcome = propose(2, List.of(1, 2), 0);

        assertEquals(ReplicationError.NONE, outcome.errorCode());
        assertEquals(new keel.replication.LeaderAndIsr(1, 2, List.of(1, 2), 1), outcome.committed());
        final LeaderAndIsr stored = new ZkIsrStore(zk).read("t", 0);
        assertEquals(List.of(1, 2), stored.isr());
        assertEquals(7, stored.controllerEpoch());
    }

    @Test
    void shouldAnswerInvalidUpdateVersionAndKeepZnodeWhenStateChangedSince() throws Exception {
        // the controller rewrote the state meanwhile (same leader epoch, new version)
        zk.setData().forPath(ZkPaths.state("t", 0), new LeaderAndIsr(1, 2, List.of(1, 3), 7, -1).toJson());

        final Outcome outcome = propose(2, List.of(1), 0);

        assertEquals(ReplicationError.INVALID_UPDATE_VERSION, outcome.errorCode());
        assertNull(outcome.committed());
        assertEquals(List.of(1, 3), new ZkIsrStore(zk).read("t", 0).isr());
    }

    @Test
    void shouldAnswerFencedLeaderEpochWhenViewHoldsNewerLeaderEpoch() throws Exception {
        final Outcome outcome = propose(1, List.of(1), 0);

        assertEquals(ReplicationError.FENCED_LEADER_EPOCH, outcome.errorCode());
        assertEquals(List.of(1, 2, 3), new ZkIsrStore(zk).read("t", 0).isr());
    }
}
