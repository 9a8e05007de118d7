package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import keel.log.testing.Await;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BrokerRegistrationTest {
    private TestingServer server;
    private CuratorFramework oldRun;
    private CuratorFramework newRun;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        oldRun = ZkTesting.client(server);
        newRun = ZkTesting.client(server);
    }

    @AfterEach
    void tearDown() throws Exception {
        newRun.close();
        oldRun.close();
        server.close();
    }

    @Test
    void shouldRegisterEndpointAsEphemeralJson() throws Exception {
        final BrokerRegistration registration = new BrokerRegistration(newRun, new BrokerInfo(1, "h1", 9092, "r1"),
            ZkTesting.SESSION_TIMEOUT_MS, Time.SYSTEM);
        registration.register();
        final Stat stat = new Stat();
        final byte[] data = newRun.getData().storingStatIn(stat).forPath("/brokers/ids/1");
        assertEquals(new BrokerInfo(1, "h1", 9092, "r1"), BrokerInfo.fromJson(1, data));
        assertEquals(ZkTesting.sessionId(newRun), stat.getEphemeralOwner());
        registration.close();
    }

    @Test
    void shouldWaitForPreviousSessionToExpireWhenRestartedAfterKill() throws Exception {
        // the previous run of broker 1, SIGKILLed: its session still holds the registration
        oldRun.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath("/brokers/ids/1",
            new BrokerInfo(1, "old", 9092, null).toJson());
        final BrokerRegistration registration = new BrokerRegistration(newRun, new BrokerInfo(1, "new", 9093, null),
            ZkTesting.SESSION_TIMEOUT_MS, Time.SYSTEM);
        final CompletableFuture<Void> registered = CompletableFuture.runAsync(() -> {
            try {
                registration.register();
            } catch (final Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        Await.await(() -> {
            try {
                return oldRun.checkExists().forPath("/brokers/ids/1") != null;
            } catch (final Exception ex) {
                return false;
            }
        }, 5_000, () -> "old registration present");
        assertFalse(registered.isDone());

        ZkTesting.expireSession(server, oldRun);
        registered.get(20, TimeUnit.SECONDS);

        final Stat stat = new Stat();
        final byte[] data = newRun.getData().storingStatIn(stat).forPath("/brokers/ids/1");
        assertEquals("new", BrokerInfo.fromJson(1, data).host());
        assertEquals(ZkTesting.sessionId(newRun), stat.getEphemeralOwner());
        registration.close();
    }

    @Test
    void shouldFailWithBrokerIdInUseWhenAnotherSessionOutlivesTheWait() throws Exception {
        oldRun.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath("/brokers/ids/2",
            new BrokerInfo(2, "other", 9092, null).toJson());
        // a session timeout of 0 leaves only the margin to wait
        final BrokerRegistration registration = new BrokerRegistration(newRun, new BrokerInfo(2, "me", 9093, null),
            -BrokerRegistration.EXPIRY_MARGIN_MS + 200, Time.SYSTEM);
        final BrokerIdInUseException ex = assertThrows(BrokerIdInUseException.class, registration::register);
        assertEquals(2, ex.brokerId());
        assertEquals(ZkTesting.sessionId(oldRun), ex.ownerSession());
    }

    @Test
    void shouldRegisterAgainWhenOwnSessionExpires() throws Exception {
        final BrokerRegistration registration = new BrokerRegistration(newRun, new BrokerInfo(3, "h", 9092, null),
            ZkTesting.SESSION_TIMEOUT_MS, Time.SYSTEM);
        registration.register();
        final long firstSession = ZkTesting.sessionId(newRun);

        ZkTesting.expireSession(server, newRun);

        Await.await(() -> {
            try {
                final Stat stat = oldRun.checkExists().forPath("/brokers/ids/3");
                return stat != null && stat.getEphemeralOwner() != firstSession;
            } catch (final Exception ex) {
                return false;
            }
        }, 20_000, () -> "registration under a new session");
        assertTrue(ZkTesting.sessionId(newRun) != firstSession);
        registration.close();
    }
}
