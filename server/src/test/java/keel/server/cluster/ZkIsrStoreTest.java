package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ZkIsrStoreTest {
    private TestingServer server;
    private CuratorFramework zk;
    private ZkIsrStore store;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        zk = ZkTesting.client(server);
        store = new ZkIsrStore(zk);
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.state("t", 0),
            new LeaderAndIsr(1, 4, List.of(1, 2, 3), 2, -1).toJson());
    }

    @AfterEach
    void tearDown() throws Exception {
        zk.close();
        server.close();
    }

    @Test
    void shouldWriteIsrAndReturnNewPartitionEpochWhenVersionMatches() {
        final LeaderAndIsr current = store.read("t", 0);

        final LeaderAndIsr written = store.tryUpdateIsr("t", 0, current, List.of(1, 2));

        assertNotNull(written);
        assertEquals(current.partitionEpoch() + 1, written.partitionEpoch());
        assertEquals(written, store.read("t", 0));
        assertEquals(4, written.leaderEpoch());
        assertEquals(2, written.controllerEpoch());
    }

    @Test
    void shouldRejectIsrUpdateAndKeepZnodeWhenPartitionEpochChanged() {
        final LeaderAndIsr seen = store.read("t", 0);
        // the controller elected a new leader meanwhile
        final LeaderAndIsr elected = store.tryUpdateIsr("t", 0, seen, List.of(2, 3));
        assertNotNull(elected);

        assertNull(store.tryUpdateIsr("t", 0, seen, List.of(1)));

        assertEquals(elected, store.read("t", 0));
    }

    @Test
    void shouldReturnNullWhenPartitionHasNoState() {
        assertNull(store.read("t", 1));
        assertNull(store.tryUpdateIsr("t", 1, new LeaderAndIsr(1, 0, List.of(1), 1, 0), List.of(1)));
    }
}
