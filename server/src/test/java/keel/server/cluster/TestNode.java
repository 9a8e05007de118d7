package keel.server.cluster;

import java.util.ArrayList;
import java.util.List;

import keel.log.Time;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;

/**
 * One in-process "broker" of the cluster tests: its own ZooKeeper session, registration, controller candidate and
 * cluster view (no log, no network). {@link #kill()} ends the session abruptly, as a SIGKILL does once ZooKeeper
 * notices.
 */
final class TestNode implements AutoCloseable {
    final int id;
    final CuratorFramework client;
    final BrokerRegistration registration;
    final KeelController controller;
    final ZkClusterView view;
    final List<String> events = new ArrayList<>();
    private boolean stopped;

    private TestNode(final int id, final CuratorFramework client, final boolean unclean) {
        this.id = id;
        this.client = client;
        this.registration = new BrokerRegistration(client, new BrokerInfo(id, "127.0.0.1", 9090 + id, null),
            ZkTesting.SESSION_TIMEOUT_MS, Time.SYSTEM);
        this.controller = new KeelController(client, id, unclean, Time.SYSTEM);
        this.view = ZkClusterView.open(client, new PartitionLeadershipListener() {
            @Override
            public void onLeaderAndIsr(final String topic, final int partition, final List<Integer> replicas,
                                       final LeaderAndIsr state) {
                synchronized (events) {
                    events.add(topic + "-" + partition + " leader=" + state.leader() + " epoch="
                        + state.leaderEpoch());
                }
            }

            @Override
            public void onPartitionDeleted(final String topic, final int partition) {
                synchronized (events) {
                    events.add(topic + "-" + partition + " deleted");
                }
            }
        }, Time.SYSTEM);
    }

    static TestNode start(final TestingServer server, final int id, final boolean unclean) throws Exception {
        final TestNode node = new TestNode(id, ZkTesting.client(server), unclean);
        node.registration.register();
        node.controller.start();
        return node;
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Ends the session without deregistering. */
    void kill() {
        if (stopped) {
            return;
        }
        stopped = true;
        view.close();
        controller.close();
        client.close();
    }

    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        view.close();
        controller.close();
        registration.close();
        client.close();
    }
}
