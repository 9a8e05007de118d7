package keel.server.cluster;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's ephemeral registration {@code /brokers/ids/<id>}.
 *
 * <p>A broker restarted right after a SIGKILL finds its previous session's registration still there until
 * ZooKeeper expires that session. {@link #register} then <em>waits</em> for the old znode to disappear (a watch,
 * bounded by {@code zookeeper.session.timeout.ms} plus a margin) and creates its own; it never deletes another
 * session's znode, because that session may belong to a live broker misconfigured with the same id, and taking over
 * would hide the conflict (see docs/cluster.md). A registration that stays owned by another session past the bound is
 * reported with {@link BrokerIdInUseException}.
 *
 * <p>When this broker's own session expires (a long pause, a partition from ZooKeeper), Curator reconnects with a
 * new session and the registration is created again. Thread-safe.
 */
public final class BrokerRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistration.class);
    /** Added to the session timeout: ZooKeeper expires sessions on its tick, a little after the timeout. */
    static final long EXPIRY_MARGIN_MS = 5_000;

    private final CuratorFramework zk;
    private final BrokerInfo broker;
    private final long waitForOldSessionMs;
    private final Time time;
    private final ConnectionStateListener reRegister;
    private volatile boolean closed;
    private volatile long registeredZxid = Long.MAX_VALUE;

    /**
     * @param zk                  a started client.
     * @param broker              this broker's endpoint.
     * @param sessionTimeoutMs    zookeeper.session.timeout.ms: how long an old registration can outlive its broker.
     * @param time                the clock.
     */
    public BrokerRegistration(final CuratorFramework zk, final BrokerInfo broker, final long sessionTimeoutMs,
                              final Time time) {
        this.zk = zk;
        this.broker = broker;
        this.waitForOldSessionMs = sessionTimeoutMs + EXPIRY_MARGIN_MS;
        this.time = time;
        this.reRegister = this::onConnectionStateChanged;
    }

    /**
     * The ZooKeeper transaction that created the current registration (Kafka's broker epoch, KIP-380): a partition
     * state written before it was decided while this broker was away, or in its previous life.
     *
     * @return the registration's czxid, or {@link Long#MAX_VALUE} while not registered.
     */
    public long registeredZxid() {
        return registeredZxid;
    }

    public BrokerInfo broker() {
        return broker;
    }

    /**
     * Creates the registration, waiting for a previous session's znode to expire first. Afterwards, re-registers by
     * itself after a session expiry.
     *
     * @throws BrokerIdInUseException if another session still holds the id after the session timeout and margin.
     * @throws InterruptedException   if interrupted while waiting.
     * @throws KeeperException        on other ZooKeeper failures.
     */
    public void register() throws InterruptedException, KeeperException {
        registerOnce();
        zk.getConnectionStateListenable().addListener(reRegister);
    }

    private void registerOnce() throws InterruptedException, KeeperException {
        final String path = ZkPaths.broker(broker.id());
        final long deadlineNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(waitForOldSessionMs);
        boolean waited = false;
        while (!closed) {
            final long session = sessionId();
            try {
                final Stat created = new Stat();
                zk.create().storingStatIn(created).creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(path, broker.toJson());
                registeredZxid = created.getCzxid();
                LOG.info("Registered broker {} at {}:{} (session 0x{})", broker.id(), broker.host(), broker.port(),
                    Long.toHexString(session));
                return;
            } catch (final KeeperException.NodeExistsException ex) {
                final CountDownLatch gone = new CountDownLatch(1);
                final Stat stat = check(path, gone);
                if (stat == null) {
                    continue;
                }
                if (stat.getEphemeralOwner() == session) {
                    // our own create went through before a connection loss hid the answer
                    registeredZxid = stat.getCzxid();
                    return;
                }
                final long remainingNs = deadlineNs - time.nanoseconds();
                if (remainingNs <= 0) {
                    throw new BrokerIdInUseException(broker.id(), stat.getEphemeralOwner(), waitForOldSessionMs);
                }
                if (!waited) {
                    LOG.info("Broker id {} is still registered by session 0x{} (a previous run of this broker?); "
                            + "waiting up to {} ms for that session to expire", broker.id(),
                        Long.toHexString(stat.getEphemeralOwner()), waitForOldSessionMs);
                    waited = true;
                }
                gone.await(remainingNs, TimeUnit.NANOSECONDS);
            } catch (final KeeperException | InterruptedException ex) {
                throw ex;
            } catch (final Exception ex) {
                throw new IllegalStateException("Registering broker.id=" + broker.id() + " failed", ex);
            }
        }
    }

    private Stat check(final String path, final CountDownLatch gone) throws KeeperException, InterruptedException {
        try {
            return zk.checkExists().usingWatcher((Watcher) event -> gone.countDown()).forPath(path);
        } catch (final KeeperException | InterruptedException ex) {
            throw ex;
        } catch (final Exception ex) {
            throw new IllegalStateException("Reading " + path + " failed", ex);
        }
    }

    private long sessionId() {
        try {
            return zk.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (final Exception ex) {
            throw new IllegalStateException("No ZooKeeper session for broker.id=" + broker.id(), ex);
        }
    }

    private void onConnectionStateChanged(final CuratorFramework client, final ConnectionState state) {
        if (state != ConnectionState.RECONNECTED || closed) {
            return;
        }
        // A reconnect may be a new session (the old one expired with our ephemeral znode): register again, off
        // Curator's event thread because registering may wait for an expiry.
        final Thread thread = new Thread(() -> {
            try {
                registerOnce();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (final KeeperException | RuntimeException ex) {
                LOG.error("Re-registering broker {} after a reconnect failed", broker.id(), ex);
            }
        }, "keel-zk-register-" + broker.id());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops re-registering and deletes the registration if this session owns it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        zk.getConnectionStateListenable().removeListener(reRegister);
        final String path = ZkPaths.broker(broker.id());
        try {
            final Stat stat = zk.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == sessionId()) {
                zk.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (final KeeperException.NoNodeException | KeeperException.BadVersionException ignore) {
            // already gone, or no longer ours: nothing to delete
            LOG.debug("Registration of broker {} already gone at close", broker.id());
        } catch (final Exception ex) {
            LOG.warn("Deleting the registration of broker {} failed; it disappears with the session", broker.id(),
                ex);
        }
    }
}
