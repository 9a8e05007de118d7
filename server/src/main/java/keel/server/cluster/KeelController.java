package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller election and the controller itself. Every broker runs one; the one whose ephemeral {@code /controller}
 * create succeeds increments {@code /controller_epoch} (a conditional write) and acts as controller until its session
 * ends. The controller:
 * <ol>
 *   <li>initialises the partition states of new topics and new partitions (first live replica leads, the live
 *       replicas are the ISR);</li>
 *   <li>when a broker's registration disappears, elects new leaders from the live ISR only (from any live replica
 *       only when {@code unclean.leader.election.enable}), bumps the leader epoch and removes dead brokers from
 *       ISRs; a partition with no eligible replica gets {@link LeaderAndIsr#NO_LEADER} and keeps its last ISR, so
 *       that its last leader can take it back when it returns;</li>
 *   <li>moves leaderships away from brokers that asked for controlled shutdown;</li>
 *   <li>deletes topics requested under {@code /admin/delete_topics}.</li>
 * </ol>
 * Each decision re-reads the partition state from ZooKeeper and writes it with {@link ControllerWrites} (versioned
 * and fenced by the controller epoch), so a concurrent ISR change by a leader is never overwritten and a deposed
 * controller changes nothing.
 *
 * <p>Thread-safe: every ZooKeeper watch and connection event is turned into an event on one controller thread,
 * which owns all mutable state; the accessors read volatile fields.
 */
public final class KeelController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeelController.class);
    /** Attempts to write one partition's state when leaders keep changing its ISR underneath. */
    private static final int MAX_CONFLICT_RETRIES = 10;

    private final CuratorFramework zk;
    private final int brokerId;
    private final boolean uncleanLeaderElection;
    private final Time time;
    private final ExecutorService events;
    private final CuratorWatcher electionWatcher = this::onElectionEvent;
    private final CuratorWatcher stateWatcher = this::onStateEvent;
    private final ConnectionStateListener connectionListener = this::onConnectionStateChanged;

    private volatile boolean closed;
    private volatile boolean active;
    private volatile int epoch = -1;
    private volatile int epochZkVersion = -1;
    private volatile long reconciliations;

    /**
     * @param zk                    a started client.
     * @param brokerId              this broker's id.
     * @param uncleanLeaderElection unclean.leader.election.enable.
     * @param time                  the clock.
     */
    public KeelController(final CuratorFramework zk, final int brokerId, final boolean uncleanLeaderElection,
                          final Time time) {
        this.zk = zk;
        this.brokerId = brokerId;
        this.uncleanLeaderElection = uncleanLeaderElection;
        this.time = time;
        this.events = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "keel-controller-" + brokerId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins the election (asynchronously).
     */
    public void start() {
        zk.getConnectionStateListenable().addListener(connectionListener);
        post(this::elect);
    }

    /**
     * @return whether this broker is the controller now (as far as it knows: a paused controller may be deposed
     *     without knowing yet, which is why its writes are fenced).
     */
    public boolean isActive() {
        return active;
    }

    /**
     * @return the controller epoch this broker took when it last became controller, -1 if never.
     */
    public int epoch() {
        return epoch;
    }

    /**
     * @return how many full passes over the partitions this controller made (for tests).
     */
    long reconciliations() {
        return reconciliations;
    }

    int epochZkVersion() {
        return epochZkVersion;
    }

    private void post(final Runnable event) {
        if (closed) {
            return;
        }
        events.execute(() -> {
            if (closed) {
                return;
            }
            try {
                event.run();
            } catch (final RuntimeException ex) {
                LOG.error("Controller event failed on broker {}; resigning", brokerId, ex);
                resign();
                post(this::elect);
            }
        });
    }

    private void onElectionEvent(final WatchedEvent event) {
        post(this::elect);
    }

    private void onStateEvent(final WatchedEvent event) {
        post(() -> {
            if (active) {
                reconcile();
            }
        });
    }

    private void onConnectionStateChanged(final CuratorFramework client, final ConnectionState state) {
        if (state == ConnectionState.LOST) {
            // the session is gone, and with it /controller: stop deciding now (the fenced writes would fail anyway)
            post(this::resign);
        } else if (state == ConnectionState.RECONNECTED) {
            post(this::elect);
        }
    }

    // 1. Election: create /controller or watch it.
    private void elect() {
        if (active) {
            checkStillController();
            return;
        }
        try {
            zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.CONTROLLER, ("{\"version\":1,\"brokerid\":"
                + brokerId + ",\"timestamp\":\"" + time.milliseconds() + "\"}").getBytes(StandardCharsets.UTF_8));
        } catch (final KeeperException.NodeExistsException ex) {
            watchController();
            return;
        } catch (final Exception ex) {
            throw new IllegalStateException("Creating " + ZkPaths.CONTROLLER + " failed for broker.id=" + brokerId,
                ex);
        }
        takeEpoch();
        watchController();
        LOG.info("Broker {} is the controller with controller epoch {}", brokerId, epoch);
        active = true;
        reconcile();
    }

    private void watchController() {
        try {
            if (zk.checkExists().usingWatcher(electionWatcher).forPath(ZkPaths.CONTROLLER) == null) {
                post(this::elect);
            }
        } catch (final Exception ex) {
            throw new IllegalStateException("Watching " + ZkPaths.CONTROLLER + " failed", ex);
        }
    }

    private void checkStillController() {
        try {
            final byte[] data = zk.getData().usingWatcher(electionWatcher).forPath(ZkPaths.CONTROLLER);
            if (Json.intField(Json.parseObject(data), "brokerid") != brokerId) {
                resign();
                watchController();
            }
        } catch (final KeeperException.NoNodeException ex) {
            resign();
            post(this::elect);
        } catch (final Exception ex) {
            throw new IllegalStateException("Reading " + ZkPaths.CONTROLLER + " failed", ex);
        }
    }

    // 2. The epoch: read /controller_epoch and increment it conditionally on the version read.
    private void takeEpoch() {
        for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
            try {
                final Stat stat = new Stat();
                final byte[] data;
                try {
                    data = zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
                } catch (final KeeperException.NoNodeException ex) {
                    try {
                        final Stat created = new Stat();
                        zk.create().storingStatIn(created).withMode(CreateMode.PERSISTENT)
                            .forPath(ZkPaths.CONTROLLER_EPOCH, "1".getBytes(StandardCharsets.UTF_8));
                        epoch = 1;
                        epochZkVersion = created.getVersion();
                        return;
                    } catch (final KeeperException.NodeExistsException raced) {
                        continue;
                    }
                }
                final int next = Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim()) + 1;
                final Stat written = zk.setData().withVersion(stat.getVersion())
                    .forPath(ZkPaths.CONTROLLER_EPOCH, Integer.toString(next).getBytes(StandardCharsets.UTF_8));
                epoch = next;
                epochZkVersion = written.getVersion();
                return;
            } catch (final KeeperException.BadVersionException ex) {
                // a deposed controller bumped it between our read and write: read again, ours will be higher
                LOG.info("Controller epoch changed while broker {} was taking it; retrying", brokerId);
            } catch (final Exception ex) {
                throw new IllegalStateException("Incrementing " + ZkPaths.CONTROLLER_EPOCH + " failed", ex);
            }
        }
        throw new IllegalStateException("Could not increment " + ZkPaths.CONTROLLER_EPOCH + " after attempts="
            + MAX_CONFLICT_RETRIES);
    }

    private void resign() {
        if (active) {
            LOG.info("Broker {} is no longer the controller (epoch {})", brokerId, epoch);
        }
        active = false;
    }

    // 3. A full pass: every topic, every partition, brought to what the live brokers allow.
    private void reconcile() {
        try {
            for (final String topic : children(ZkPaths.DELETE_TOPICS)) {
                if (!active) {
                    return;
                }
                final int result = ControllerWrites.deleteTopic(zk, epochZkVersion, topic);
                if (result == ControllerWrites.CONTROLLER_MOVED) {
                    controllerMoved();
                    return;
                }
                LOG.info("Controller {} deleted topic {}", brokerId, topic);
            }
            final Collection<String> topics = children(ZkPaths.TOPICS);
            // The live brokers are read after the topics: a broker that registered before a topic was created is
            // then seen as live when the topic's partitions get their first ISR (ZooKeeper orders one client's reads).
            final Set<Integer> live = intChildren(ZkPaths.BROKER_IDS);
            // each live broker's broker epoch: the transaction that created its registration (KIP-380)
            final Map<Integer, Long> registeredAt = new HashMap<>();
            for (final int id : live) {
                final Stat stat = zk.checkExists().forPath(ZkPaths.broker(id));
                if (stat != null) {
                    registeredAt.put(id, stat.getCzxid());
                }
            }
            final Set<Integer> shuttingDown = intChildren(ZkPaths.CONTROLLED_SHUTDOWN);
            for (final String topic : topics) {
                if (!active) {
                    return;
                }
                final byte[] data;
                try {
                    data = zk.getData().usingWatcher(stateWatcher).forPath(ZkPaths.topic(topic));
                } catch (final KeeperException.NoNodeException ex) {
                    continue;
                }
                final TopicAssignment assignment = TopicAssignment.fromJson(data);
                for (int p = 0; p < assignment.partitions().size(); p++) {
                    if (!reconcilePartition(topic, p, assignment.partitions().get(p), live, registeredAt,
                        shuttingDown)) {
                        return;
                    }
                }
            }
            reconciliations++;
        } catch (final RuntimeException ex) {
            throw ex;
        } catch (final Exception ex) {
            throw new IllegalStateException("Controller " + brokerId + " failed to read the cluster state", ex);
        }
    }

    private boolean reconcilePartition(final String topic, final int partition, final List<Integer> replicas,
                                       final Set<Integer> live, final Map<Integer, Long> registeredAt,
                                       final Set<Integer> shuttingDown) throws Exception {
        for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
            final Stat stat = new Stat();
            final LeaderAndIsr current = readState(topic, partition, stat);
            final LeaderAndIsr next = decide(current, replicas, live, shuttingDown,
                current == null ? Set.of() : bounced(current, registeredAt, stat.getMzxid()));
            if (next == null) {
                return true;
            }
            final int result = ControllerWrites.writeState(zk, epochZkVersion, topic, partition, next);
            if (result == ControllerWrites.OK) {
                LOG.info("Controller {}: {}-{} leader={} leader_epoch={} isr={}", brokerId, topic, partition,
                    next.leader(), next.leaderEpoch(), next.isr());
                return true;
            }
            if (result == ControllerWrites.CONTROLLER_MOVED) {
                controllerMoved();
                return false;
            }
        }
        LOG.warn("Controller {}: {}-{} kept changing underneath after attempts={}; retried on the next event",
            brokerId, topic, partition, MAX_CONFLICT_RETRIES);
        return true;
    }

    private void controllerMoved() {
        LOG.warn("Broker {}: a newer controller epoch exists; this controller (epoch {}) was deposed", brokerId,
            epoch);
        resign();
        post(this::elect);
    }

    /**
     * The members of a state (leader and ISR) that registered again after the state was last written: they died and
     * came back (a restart faster than the controller noticed, or one it never saw), and may have lost the tail of
     * their logs, so they are no longer in sync, and a leader among them leads only after a new election.
     */
    private static Set<Integer> bounced(final LeaderAndIsr state, final Map<Integer, Long> registeredAt,
                                        final long stateZxid) {
        final Set<Integer> bounced = new TreeSet<>();
        for (final int member : state.isr()) {
            final Long registered = registeredAt.get(member);
            if (registered != null && registered > stateZxid) {
                bounced.add(member);
            }
        }
        final Long leaderRegistered = registeredAt.get(state.leader());
        if (leaderRegistered != null && leaderRegistered > stateZxid) {
            bounced.add(state.leader());
        }
        return bounced;
    }

    /**
     * The election rules without restarted brokers; see {@link #decide(LeaderAndIsr, List, Set, Set, Set)}.
     */
    LeaderAndIsr decide(final LeaderAndIsr current, final List<Integer> replicas, final Set<Integer> live,
                        final Set<Integer> shuttingDown) {
        return decide(current, replicas, live, shuttingDown, Set.of());
    }

    /**
     * The election rules. Package-private and pure, so that tests can check them without ZooKeeper.
     *
     * @param bounced live members of the state that registered again since it was written: they leave the ISR
     *                (unless no other live member is left, after a restart of every replica), and a bounced
     *                leader is elected anew (itself again only when nobody else is eligible), at a new leader epoch.
     * @return the state to write, or {@code null} when the current one stands.
     */
    LeaderAndIsr decide(final LeaderAndIsr current, final List<Integer> replicas, final Set<Integer> live,
                        final Set<Integer> shuttingDown, final Set<Integer> bounced) {
        if (current == null) {
            // a new partition: its live replicas form the ISR, the first of them leads
            final List<Integer> isr = new ArrayList<>();
            for (final int replica : replicas) {
                if (live.contains(replica)) {
                    isr.add(replica);
                }
            }
            if (isr.isEmpty()) {
                return null;
            }
            return new LeaderAndIsr(isr.get(0), 0, isr, epoch, -1);
        }
        final int leader = current.leader();
        final boolean leaderLive = leader != LeaderAndIsr.NO_LEADER && live.contains(leader);
        // a stopping leader keeps its partitions when no other live ISR member could take them (as Kafka does)
        final boolean leaderStays = leaderLive && !bounced.contains(leader)
            && (!shuttingDown.contains(leader) || !canMove(current, replicas, live, shuttingDown));
        List<Integer> liveIsr = new ArrayList<>();
        for (final int replica : current.isr()) {
            if (live.contains(replica) && (!shuttingDown.contains(replica) || replica == leader && leaderStays)) {
                liveIsr.add(replica);
            }
        }
        if (!bounced.isEmpty()) {
            final List<Integer> steady = new ArrayList<>(liveIsr);
            steady.removeAll(bounced);
            if (!steady.isEmpty()) {
                liveIsr = steady;
            }
        }
        if (leaderStays) {
            if (liveIsr.equals(current.isr())) {
                return null;
            }
            // the leader stays; dead or stopping followers leave the ISR (a new leader epoch, as Kafka does)
            return new LeaderAndIsr(leader, current.leaderEpoch() + 1, liveIsr, epoch, current.partitionEpoch());
        }
        // elect: the first assigned replica in the live ISR, not shutting down
        int newLeader = LeaderAndIsr.NO_LEADER;
        for (final int replica : replicas) {
            if (liveIsr.contains(replica) && !shuttingDown.contains(replica)) {
                newLeader = replica;
                break;
            }
        }
        List<Integer> newIsr = liveIsr;
        if (newLeader == LeaderAndIsr.NO_LEADER && uncleanLeaderElection) {
            for (final int replica : replicas) {
                if (live.contains(replica) && !shuttingDown.contains(replica)) {
                    newLeader = replica;
                    newIsr = List.of(replica);
                    LOG.warn("Unclean leader election: broker {} was not in the ISR {}; records may be lost",
                        replica, current.isr());
                    break;
                }
            }
        }
        if (newLeader == LeaderAndIsr.NO_LEADER) {
            if (leader == LeaderAndIsr.NO_LEADER) {
                return null;
            }
            // nobody eligible: offline, keeping the last ISR so that its members can take the partition back
            return new LeaderAndIsr(LeaderAndIsr.NO_LEADER, current.leaderEpoch() + 1,
                liveIsr.isEmpty() ? current.isr() : liveIsr, epoch, current.partitionEpoch());
        }
        return new LeaderAndIsr(newLeader, current.leaderEpoch() + 1, newIsr, epoch, current.partitionEpoch());
    }

    private static boolean canMove(final LeaderAndIsr current, final List<Integer> replicas, final Set<Integer> live,
                                   final Set<Integer> shuttingDown) {
        for (final int replica : current.isr()) {
            if (replica != current.leader() && live.contains(replica) && !shuttingDown.contains(replica)
                && replicas.contains(replica)) {
                return true;
            }
        }
        return false;
    }

    private LeaderAndIsr readState(final String topic, final int partition, final Stat stat) throws Exception {
        try {
            final byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.state(topic, partition));
            return LeaderAndIsr.fromJson(data, stat.getVersion());
        } catch (final KeeperException.NoNodeException ex) {
            return null;
        }
    }

    private Collection<String> children(final String path) throws Exception {
        try {
            return zk.getChildren().usingWatcher(stateWatcher).forPath(path);
        } catch (final KeeperException.NoNodeException ex) {
            try {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
            } catch (final KeeperException.NodeExistsException raced) {
                LOG.debug("{} created concurrently", path);
            }
            return zk.getChildren().usingWatcher(stateWatcher).forPath(path);
        }
    }

    private Set<Integer> intChildren(final String path) throws Exception {
        final Set<Integer> ids = new TreeSet<>();
        for (final String child : children(path)) {
            ids.add(Integer.parseInt(child));
        }
        return ids;
    }

    /**
     * Writes a partition state with this controller's (possibly outdated) epoch, as its next decision would. For
     * tests of fencing: a deposed controller gets {@link ControllerWrites#CONTROLLER_MOVED}.
     */
    int tryWriteState(final String topic, final int partition, final LeaderAndIsr state) throws Exception {
        return ControllerWrites.writeState(zk, epochZkVersion, topic, partition, state);
    }

    /**
     * Leaves the election and stops the controller thread; the {@code /controller} znode disappears with the
     * session (or at once if this broker closes its client). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        zk.getConnectionStateListenable().removeListener(connectionListener);
        final boolean wasActive = active;
        closed = true;
        active = false;
        events.shutdown();
        try {
            if (!events.awaitTermination(10, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (final InterruptedException ex) {
            events.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (wasActive) {
            try {
                final Stat stat = zk.checkExists().forPath(ZkPaths.CONTROLLER);
                if (stat != null && stat.getEphemeralOwner()
                    == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
                    zk.delete().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER);
                }
            } catch (final Exception ex) {
                LOG.warn("Broker {} could not delete {}; it disappears with the session", brokerId,
                    ZkPaths.CONTROLLER, ex);
            }
        }
    }
}
