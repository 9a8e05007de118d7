package keel.server.cluster;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Test support: clients of a curator-test {@link TestingServer} and a way to expire a session on the server the way
 * a SIGKILLed broker's session expires (a second handle with the same session id and password closes it: the server
 * deletes its ephemeral znodes at once, and the first handle learns that its session expired).
 */
final class ZkTesting {
    static final int SESSION_TIMEOUT_MS = 6_000;

    private ZkTesting() {
    }

    static CuratorFramework client(final TestingServer server) throws InterruptedException {
        final CuratorFramework client = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
            .sessionTimeoutMs(SESSION_TIMEOUT_MS).connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(50, 5)).build();
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new AssertionError("Not connected to " + server.getConnectString());
        }
        return client;
    }

    static long sessionId(final CuratorFramework client) throws Exception {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }

    static void expireSession(final TestingServer server, final CuratorFramework client) throws Exception {
        final ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        final CountDownLatch connected = new CountDownLatch(1);
        final ZooKeeper twin = new ZooKeeper(server.getConnectString(), SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("Twin session did not connect");
            }
        } finally {
            twin.close();
        }
    }
}
