package keel.server.cluster;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import keel.server.metadata.ClusterView;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's membership of a ZooKeeper cluster, composed for {@code KeelServer}: one Curator client (one session),
 * the cluster view, the registration and the controller candidate. Nothing outside this package sees Curator or
 * ZooKeeper types. Lifecycle: {@link #connect} (before the listener is bound: the protocol handlers read the view),
 * {@link #join} (once the port is known: register, then enter the controller election),
 * {@link #controlledShutdown} (SIGTERM), {@link #close}. Thread-safe.
 */
public final class ClusterCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCoordinator.class);

    private final CuratorFramework zk;
    private final ZkClusterView view;
    private final int brokerId;
    private final int sessionTimeoutMs;
    private final boolean uncleanLeaderElection;
    private final Time time;
    private BrokerRegistration registration;
    private KeelController controller;
    private boolean closed;

    private ClusterCoordinator(final CuratorFramework zk, final ZkClusterView view, final int brokerId,
                               final int sessionTimeoutMs, final boolean uncleanLeaderElection, final Time time) {
        this.zk = zk;
        this.view = view;
        this.brokerId = brokerId;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.uncleanLeaderElection = uncleanLeaderElection;
        this.time = time;
    }

    /**
     * Connects to ZooKeeper and starts following the cluster.
     *
     * @param connect               zookeeper.connect.
     * @param sessionTimeoutMs      zookeeper.session.timeout.ms.
     * @param connectionTimeoutMs   zookeeper.connection.timeout.ms.
     * @param brokerId              broker.id.
     * @param uncleanLeaderElection unclean.leader.election.enable (used if this broker becomes controller).
     * @param listener              told of leadership changes.
     * @param time                  the clock.
     * @return the coordinator.
     * @throws IOException if ZooKeeper cannot be reached within the connection timeout.
     */
    public static ClusterCoordinator connect(final String connect, final int sessionTimeoutMs,
                                             final int connectionTimeoutMs, final int brokerId,
                                             final boolean uncleanLeaderElection,
                                             final PartitionLeadershipListener listener, final Time time)
        throws IOException {
        final CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect)
            .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(connectionTimeoutMs)
            .retryPolicy(new ExponentialBackoffRetry(100, 10, 5_000)).build();
        zk.start();
        try {
            if (!zk.blockUntilConnected(connectionTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IOException("Could not connect to ZooKeeper zookeeper.connect=" + connect
                    + " within zookeeper.connection.timeout.ms=" + connectionTimeoutMs);
            }
        } catch (final InterruptedException ex) {
            zk.close();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while connecting to ZooKeeper " + connect, ex);
        } catch (final IOException ex) {
            zk.close();
            throw ex;
        }
        return new ClusterCoordinator(zk, ZkClusterView.open(zk, listener, time), brokerId, sessionTimeoutMs,
            uncleanLeaderElection, time);
    }

    /**
     * The cluster's id, stored once in {@code /cluster/id} (as Kafka's ZooKeeper mode does): the first broker's
     * candidate wins, every later broker adopts it.
     *
     * @param candidate this broker's id from its data directory.
     * @return the cluster id in ZooKeeper.
     * @throws IOException if ZooKeeper cannot be read.
     */
    public String clusterId(final String candidate) throws IOException {
        try {
            try {
                zk.create().creatingParentContainersIfNeeded().withMode(org.apache.zookeeper.CreateMode.PERSISTENT)
                    .forPath(ZkPaths.CLUSTER_ID, ("{\"version\":\"1\",\"id\":" + Json.quote(candidate) + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return candidate;
            } catch (final org.apache.zookeeper.KeeperException.NodeExistsException ex) {
                final Object id = Json.parseObject(zk.getData().forPath(ZkPaths.CLUSTER_ID)).get("id");
                if (id == null) {
                    throw new IOException("No id in " + ZkPaths.CLUSTER_ID);
                }
                return id.toString();
            }
        } catch (final IOException ex) {
            throw ex;
        } catch (final Exception ex) {
            throw new IOException("Reading " + ZkPaths.CLUSTER_ID + " failed", ex);
        }
    }

    /**
     * @return the view the protocol handlers read.
     */
    public ClusterView view() {
        return view;
    }

    /**
     * @return the ISR store for this broker's leaderships.
     */
    public ZkIsrStore isrStore() {
        return new ZkIsrStore(zk);
    }

    /**
     * @return the replication module's ISR store over ZooKeeper, for the replica manager.
     */
    public keel.replication.PartitionStateStore partitionStateStore() {
        return new ZkPartitionStateStore(zk, view);
    }

    /**
     * @return producer-id blocks shared by the cluster's brokers.
     */
    public ZkProducerIdBlocks producerIdBlocks() {
        return new ZkProducerIdBlocks(zk, brokerId);
    }

    /**
     * @param topics    the local topics.
     * @param timeoutMs how long a change waits to be visible in this broker's view.
     * @return the topic changes clients ask for, carried out through ZooKeeper and the controller.
     */
    public ZkTopicCommands topicCommands(final keel.server.metadata.TopicManager topics, final long timeoutMs) {
        return new ZkTopicCommands(topicAdmin(), view, topics, timeoutMs);
    }

    /**
     * @return topic changes through ZooKeeper.
     */
    public ZkTopicAdmin topicAdmin() {
        return new ZkTopicAdmin(zk);
    }

    /**
     * Registers the broker (waiting out a previous run's session, see {@link BrokerRegistration}) and joins the
     * controller election.
     *
     * @param host the advertised host.
     * @param port the advertised port.
     * @param rack broker.rack, or {@code null}.
     * @throws IOException if the registration fails.
     */
    public synchronized void join(final String host, final int port, final String rack) throws IOException {
        registration = new BrokerRegistration(zk, new BrokerInfo(brokerId, host, port, rack), sessionTimeoutMs, time);
        try {
            registration.register();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while registering broker.id=" + brokerId, ex);
        } catch (final org.apache.zookeeper.KeeperException ex) {
            throw new IOException("Registering broker.id=" + brokerId + " failed", ex);
        }
        controller = new KeelController(zk, brokerId, uncleanLeaderElection, time);
        controller.start();
    }

    /**
     * @return whether this broker is the controller now.
     */
    public synchronized boolean isController() {
        return controller != null && controller.isActive();
    }

    /**
     * Asks the controller to move this broker's leaderships away and waits (bounded) until it has.
     *
     * @param timeoutMs how long to wait.
     * @return whether every movable leadership moved.
     */
    public boolean controlledShutdown(final long timeoutMs) {
        try {
            return ControlledShutdown.run(zk, brokerId, view, timeoutMs);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Leaves the election, deletes the registration and closes the session. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (controller != null) {
            controller.close();
        }
        if (registration != null) {
            registration.close();
        }
        view.close();
        zk.close();
        LOG.info("Broker {} left the cluster", brokerId);
    }
}
