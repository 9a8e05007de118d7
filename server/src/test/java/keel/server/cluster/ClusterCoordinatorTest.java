package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import keel.log.testing.Await;
import keel.server.TestBroker;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole brokers (KeelServer) joining a ZooKeeper cluster: registration, election and the clients' view of it.
 */
@Timeout(60)
class ClusterCoordinatorTest {
    @TempDir
    Path dir;

    private TestingServer zookeeper;
    private TestBroker first;
    private TestBroker second;

    @BeforeEach
    void setUp() throws Exception {
        zookeeper = new TestingServer(true);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        zookeeper.close();
    }

    private TestBroker broker(final int id) throws Exception {
        return new TestBroker(dir.resolve("b" + id), Map.of("broker.id", Integer.toString(id), "zookeeper.connect",
            zookeeper.getConnectString(), "zookeeper.session.timeout.ms", "6000")).start();
    }

    private static Set<Integer> ids(final Collection<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shouldListEveryRegisteredBrokerAndTheControllerToClients() throws Exception {
        first = broker(1);
        second = broker(2);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", first.bootstrap()))) {
            Await.await(() -> {
                try {
                    final DescribeClusterResult cluster = admin.describeCluster();
                    return ids(cluster.nodes().get()).equals(Set.of(1, 2)) && cluster.controller().get().id() > 0;
                } catch (final Exception ex) {
                    return false;
                }
            }, 20_000, () -> "both brokers and a controller in DescribeCluster");
            final Node controller = admin.describeCluster().controller().get();
            assertTrue(List.of(1, 2).contains(controller.id()));
            final Node node2 = admin.describeCluster().nodes().get().stream().filter(n -> n.id() == 2).findFirst()
                .orElseThrow();
            assertEquals(second.server().boundPort(), node2.port());
            try (Admin viaSecond = Admin.create(Map.of("bootstrap.servers", second.bootstrap()))) {
                assertEquals(admin.describeCluster().clusterId().get(), viaSecond.describeCluster().clusterId().get());
            }
        }
    }

    @Test
    void shouldGiveClientsLeaderReplicasAndIsrFromZookeeperWhenAnotherBrokerLeads() throws Exception {
        first = broker(1);
        second = broker(2);
        try (CuratorFramework zk = ZkTesting.client(zookeeper);
             Admin admin = Admin.create(Map.of("bootstrap.servers", first.bootstrap()))) {
            Await.await(() -> {
                try {
                    return zk.getChildren().forPath(ZkPaths.BROKER_IDS).size() == 2;
                } catch (final Exception ex) {
                    return false;
                }
            }, 20_000, () -> "two registrations");
            // round robin from broker index 1: partition 0 is led by broker 2
            assertEquals(List.of(List.of(2, 1)), new ZkTopicAdmin(zk).createTopic("t", 1, 2, 1).partitions());

            Await.await(() -> {
                try {
                    final TopicPartitionInfo p0 = admin.describeTopics(List.of("t")).allTopicNames().get().get("t")
                        .partitions().get(0);
                    return p0.leader() != null && p0.leader().id() == 2 && p0.isr().size() == 2;
                } catch (final Exception ex) {
                    return false;
                }
            }, 20_000, () -> "broker 1 reports broker 2 as leader of t-0");
            final TopicPartitionInfo p0 = admin.describeTopics(List.of("t")).allTopicNames().get().get("t")
                .partitions().get(0);
            assertEquals(List.of(2, 1), p0.replicas().stream().map(Node::id).collect(Collectors.toList()));
        }
    }

    @Test
    void shouldDropStoppedBrokerFromClusterWhenItShutsDown() throws Exception {
        first = broker(1);
        second = broker(2);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", first.bootstrap()))) {
            Await.await(() -> {
                try {
                    return ids(admin.describeCluster().nodes().get()).size() == 2;
                } catch (final Exception ex) {
                    return false;
                }
            }, 20_000, () -> "two brokers");
            second.close();
            second = null;
            Await.await(() -> {
                try {
                    return ids(admin.describeCluster().nodes().get()).equals(Set.of(1));
                } catch (final Exception ex) {
                    return false;
                }
            }, 20_000, () -> "broker 2 gone");
        }
    }
}
