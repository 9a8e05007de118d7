package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import keel.log.Time;
import keel.log.testing.Await;
import keel.server.metadata.ClusterView;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ZkClusterViewTest {
    private TestingServer server;
    private CuratorFramework zk;
    private ZkClusterView view;
    private final List<LeaderAndIsr> applied = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        zk = ZkTesting.client(server);
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.topic("t"),
            new TopicAssignment(List.of(List.of(1, 2))).toJson());
        view = ZkClusterView.open(zk, new PartitionLeadershipListener() {
            @Override
            public void onLeaderAndIsr(final String topic, final int partition, final List<Integer> replicas,
                                       final LeaderAndIsr state) {
                synchronized (applied) {
                    applied.add(state);
                }
            }

            @Override
            public void onPartitionDeleted(final String topic, final int partition) {
                // not exercised here
            }
        }, Time.SYSTEM);
    }

    @AfterEach
    void tearDown() throws Exception {
        view.close();
        zk.close();
        server.close();
    }

    private int appliedCount() {
        synchronized (applied) {
            return applied.size();
        }
    }

    @Test
    void shouldShowRegisteredBrokersAndController() throws Exception {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.broker(2),
            new BrokerInfo(2, "h2", 9093, "rackA").toJson());
        zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER,
            "{\"version\":1,\"brokerid\":2,\"timestamp\":\"0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        Await.await(() -> view.controllerId() == 2 && view.brokers().size() == 1, 10_000, () -> "view of broker 2");

        assertEquals(List.of(new ClusterView.Node(2, "h2", 9093, "rackA")), view.brokers());
    }

    @Test
    void shouldReportLeaderReplicasAndIsrWhenStateWritten() throws Exception {
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.state("t", 0),
            new LeaderAndIsr(2, 3, List.of(2, 1), 1, -1).toJson());

        // the view holds the state before its listener hears of it: wait for both
        Await.await(() -> view.partition("t", 0) != null && appliedCount() == 1, 10_000,
            () -> "t-0 in the view and passed to the listener");

        assertEquals(new ClusterView.PartitionLeadership(2, 3, List.of(1, 2), List.of(2, 1)), view.partition("t", 0));
        assertEquals(1, appliedCount());
    }

    @Test
    void shouldIgnoreStateWithOlderLeaderEpochThanApplied() throws Exception {
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.state("t", 0),
            new LeaderAndIsr(2, 5, List.of(2, 1), 3, -1).toJson());
        Await.await(() -> appliedCount() == 1, 10_000, () -> "first state applied");

        // an old decision replayed: lower leader epoch and controller epoch
        zk.setData().forPath(ZkPaths.state("t", 0), new LeaderAndIsr(1, 4, List.of(1), 2, -1).toJson());
        Await.await(() -> view.ignoredStaleStates() == 1, 10_000, () -> "stale state ignored");

        assertEquals(1, appliedCount());
        assertEquals(2, view.partition("t", 0).leader());
        assertEquals(5, view.partition("t", 0).leaderEpoch());
    }
}
