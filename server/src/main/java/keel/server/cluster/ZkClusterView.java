package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import keel.log.Time;
import keel.server.metadata.ClusterView;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's view of the cluster, kept by a {@link CuratorCache} over {@code /brokers} and {@code /controller}: the
 * registrations, every topic's assignment and every partition's state. This is how brokers learn of the controller's
 * decisions: ZooKeeper watches on the state znodes the controller writes (no second RPC channel; see
 * docs/cluster.md). Each accepted state change is passed to the {@link PartitionLeadershipListener}.
 *
 * <p>Fencing: a state is applied only if its controller epoch and leader epoch are not older than those of the last
 * state applied for that partition and its partition epoch (znode version) is newer, so a replayed or reordered old
 * decision is ignored. Stale controllers are fenced before that, in ZooKeeper ({@link ControllerWrites}).
 *
 * <p>Thread-safe: the cache's thread applies changes under this object's monitor; readers take the monitor.
 */
public final class ZkClusterView implements ClusterView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZkClusterView.class);

    private final CuratorFramework zk;
    private final PartitionLeadershipListener listener;
    private final Time time;
    private final CuratorCache brokersCache;
    private final CuratorCache controllerCache;
    private final CuratorCache configCache;
    private final Map<String, Map<String, String>> configs = new HashMap<>();
    private final Map<Integer, Node> brokers = new TreeMap<>();
    private final Map<String, TopicAssignment> topics = new HashMap<>();
    private final Map<String, LeaderAndIsr> states = new HashMap<>();
    private int controllerId = -1;
    private long ignoredStaleStates;

    private ZkClusterView(final CuratorFramework zk, final PartitionLeadershipListener listener, final Time time) {
        this.zk = zk;
        this.listener = listener;
        this.time = time;
        this.brokersCache = CuratorCache.build(zk, "/brokers");
        this.controllerCache = CuratorCache.build(zk, ZkPaths.CONTROLLER, CuratorCache.Options.SINGLE_NODE_CACHE);
        this.configCache = CuratorCache.build(zk, ZkPaths.TOPIC_CONFIGS);
    }

    /**
     * Starts following ZooKeeper.
     *
     * @param zk       a started client.
     * @param listener told of every accepted partition state change.
     * @param time     the clock.
     * @return the view (filled asynchronously).
     */
    public static ZkClusterView open(final CuratorFramework zk, final PartitionLeadershipListener listener,
                                     final Time time) {
        final ZkClusterView view = new ZkClusterView(zk, listener, time);
        view.brokersCache.listenable().addListener(CuratorCacheListener.builder()
            .forCreatesAndChanges((before, after) -> view.onChanged(after))
            .forDeletes(view::onDeleted)
            .build());
        view.controllerCache.listenable().addListener(CuratorCacheListener.builder()
            .forCreatesAndChanges((before, after) -> view.onController(after.getData()))
            .forDeletes(deleted -> view.onController(null))
            .build());
        view.configCache.listenable().addListener(CuratorCacheListener.builder()
            .forCreatesAndChanges((before, after) -> view.onConfig(after))
            .build());
        // configurations first: a topic's partition states are applied with its configuration known
        view.configCache.start();
        view.brokersCache.start();
        view.controllerCache.start();
        return view;
    }

    private void onConfig(final ChildData node) {
        final String[] parts = node.getPath().split("/");
        // "", config, topics, <topic>
        if (parts.length != 4 || node.getData() == null || node.getData().length == 0) {
            return;
        }
        final Map<String, String> parsed;
        try {
            parsed = ZkTopicAdmin.parseConfigs(node.getData());
        } catch (final IllegalArgumentException ex) {
            LOG.warn("Ignoring unreadable znode {}: {}", node.getPath(), ex.getMessage());
            return;
        }
        final TopicAssignment assignment;
        synchronized (this) {
            configs.put(parts[3], parsed);
            assignment = topics.get(parts[3]);
        }
        if (assignment != null) {
            listener.onTopicChanged(parts[3], assignment.topicIdOr(parts[3]), assignment.partitions().size(), parsed);
        }
    }

    /**
     * The configuration overrides of a topic, read from ZooKeeper when the cache has not delivered them yet (a
     * state may arrive before its topic's configuration).
     */
    private Map<String, String> configsOf(final String topic) {
        synchronized (this) {
            final Map<String, String> known = configs.get(topic);
            if (known != null) {
                return known;
            }
        }
        try {
            return ZkTopicAdmin.parseConfigs(zk.getData().forPath(ZkPaths.topicConfig(topic)));
        } catch (final org.apache.zookeeper.KeeperException.NoNodeException ex) {
            return Map.of();
        } catch (final Exception ex) {
            LOG.warn("Cannot read the configuration of topic {}: {}", topic, ex.toString());
            return Map.of();
        }
    }

    private void onController(final byte[] data) {
        int id = -1;
        if (data != null) {
            try {
                id = Json.intField(Json.parseObject(data), "brokerid");
            } catch (final IllegalArgumentException ex) {
                LOG.warn("Unreadable {}: {}", ZkPaths.CONTROLLER, new String(data, StandardCharsets.UTF_8));
            }
        }
        synchronized (this) {
            controllerId = id;
        }
    }

    private void onChanged(final ChildData node) {
        final String[] parts = node.getPath().split("/");
        // "", brokers, ids|topics, <id>|<topic>, partitions, <p>, state
        try {
            if (parts.length == 4 && "ids".equals(parts[2])) {
                final BrokerInfo info = BrokerInfo.fromJson(Integer.parseInt(parts[3]), node.getData());
                synchronized (this) {
                    brokers.put(info.id(), new Node(info.id(), info.host(), info.port(), info.rack()));
                    notifyAll();
                }
            } else if (parts.length == 4 && "topics".equals(parts[2]) && node.getData().length > 0) {
                synchronized (this) {
                    topics.put(parts[3], TopicAssignment.fromJson(node.getData()));
                    notifyAll();
                }
            } else if (parts.length == 7 && "topics".equals(parts[2]) && "state".equals(parts[6])) {
                onState(parts[3], Integer.parseInt(parts[5]),
                    LeaderAndIsr.fromJson(node.getData(), node.getStat().getVersion()));
            }
        } catch (final IllegalArgumentException ex) {
            LOG.warn("Ignoring unreadable znode {}: {}", node.getPath(), ex.getMessage());
        }
    }

    private void onState(final String topic, final int partition, final LeaderAndIsr state) {
        final List<Integer> replicas;
        final TopicAssignment loaded = assignmentOf(topic);
        final Map<String, String> topicConfigs = configsOf(topic);
        final TopicAssignment assignment;
        synchronized (this) {
            if (loaded != null) {
                topics.putIfAbsent(topic, loaded);
            }
            final String key = topic + "-" + partition;
            final LeaderAndIsr last = states.get(key);
            if (last != null && (state.controllerEpoch() < last.controllerEpoch()
                || state.leaderEpoch() < last.leaderEpoch() || state.partitionEpoch() <= last.partitionEpoch())) {
                ignoredStaleStates++;
                LOG.info("Ignoring stale state of {}: {} (applied: {})", key, state, last);
                return;
            }
            states.put(key, state);
            assignment = topics.get(topic);
            replicas = assignment != null && partition < assignment.partitions().size()
                ? assignment.partitions().get(partition) : state.isr();
            notifyAll();
        }
        if (assignment != null) {
            listener.onTopicChanged(topic, assignment.topicIdOr(topic), assignment.partitions().size(), topicConfigs);
        }
        listener.onLeaderAndIsr(topic, partition, replicas, state);
    }

    /**
     * The cache delivers znodes in no particular order across paths: a state may arrive before its topic's
     * assignment. Read the assignment then (on the cache's thread), so that replicas are never guessed.
     */
    private TopicAssignment assignmentOf(final String topic) {
        synchronized (this) {
            final TopicAssignment known = topics.get(topic);
            if (known != null) {
                return known;
            }
        }
        try {
            return TopicAssignment.fromJson(zk.getData().forPath(ZkPaths.topic(topic)));
        } catch (final Exception ex) {
            LOG.warn("Cannot read the assignment of topic {}: {}", topic, ex.toString());
            return null;
        }
    }

    private void onDeleted(final ChildData node) {
        final String[] parts = node.getPath().split("/");
        if (parts.length == 4 && "ids".equals(parts[2])) {
            synchronized (this) {
                brokers.remove(Integer.parseInt(parts[3]));
                notifyAll();
            }
        } else if (parts.length == 4 && "topics".equals(parts[2])) {
            synchronized (this) {
                topics.remove(parts[3]);
                configs.remove(parts[3]);
                notifyAll();
            }
            listener.onTopicDeleted(parts[3]);
        } else if (parts.length == 7 && "topics".equals(parts[2]) && "state".equals(parts[6])) {
            final int partition = Integer.parseInt(parts[5]);
            synchronized (this) {
                states.remove(parts[3] + "-" + partition);
                notifyAll();
            }
            listener.onPartitionDeleted(parts[3], partition);
        }
    }

    @Override
    public synchronized List<Node> brokers() {
        return List.copyOf(brokers.values());
    }

    @Override
    public synchronized int controllerId() {
        return controllerId;
    }

    @Override
    public synchronized PartitionLeadership partition(final String topic, final int partition) {
        final LeaderAndIsr state = states.get(topic + "-" + partition);
        if (state == null) {
            return null;
        }
        final TopicAssignment assignment = topics.get(topic);
        if (assignment == null || partition >= assignment.partitions().size()) {
            return null;
        }
        return new PartitionLeadership(state.leader(), state.leaderEpoch(), assignment.partitions().get(partition),
            state.isr());
    }

    /**
     * @return the last state applied for the partition (with its partition epoch), or {@code null}.
     */
    public synchronized LeaderAndIsr state(final String topic, final int partition) {
        return states.get(topic + "-" + partition);
    }

    /**
     * @return the topics and their partition counts known now.
     */
    public synchronized Map<String, Integer> topics() {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final Map.Entry<String, TopicAssignment> entry : topics.entrySet()) {
            counts.put(entry.getKey(), entry.getValue().partitions().size());
        }
        return counts;
    }

    /**
     * @return how many partition states fencing rejected.
     */
    public synchronized long ignoredStaleStates() {
        return ignoredStaleStates;
    }

    /**
     * @param brokerId a broker.
     * @return the partitions it leads whose ISR has another live member, which a controlled shutdown can move.
     */
    public synchronized List<String> movableLeaderships(final int brokerId) {
        final List<String> movable = new ArrayList<>();
        for (final Map.Entry<String, LeaderAndIsr> entry : states.entrySet()) {
            final LeaderAndIsr state = entry.getValue();
            if (state.leader() != brokerId) {
                continue;
            }
            for (final int replica : state.isr()) {
                if (replica != brokerId && brokers.containsKey(replica)) {
                    movable.add(entry.getKey());
                    break;
                }
            }
        }
        return movable;
    }

    /**
     * Waits until {@link #movableLeaderships} of the broker is empty.
     *
     * @return whether it became empty before the timeout.
     * @throws InterruptedException if interrupted.
     */
    public synchronized boolean awaitNoMovableLeaderships(final int brokerId, final long timeoutMs)
        throws InterruptedException {
        final long deadlineNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!movableLeaderships(brokerId).isEmpty()) {
            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - time.nanoseconds());
            if (remainingMs <= 0) {
                return false;
            }
            wait(remainingMs);
        }
        return true;
    }

    /**
     * @param topic a topic.
     * @return its assignment as last seen, or {@code null}.
     */
    public synchronized TopicAssignment assignment(final String topic) {
        return topics.get(topic);
    }

    /**
     * Waits until {@code done} holds for this view (re-checked at every change the view applies).
     *
     * @param done      the condition, evaluated under the view's monitor.
     * @param timeoutMs how long to wait.
     * @return whether it held before the timeout.
     * @throws InterruptedException if interrupted.
     */
    public synchronized boolean await(final java.util.function.Predicate<ZkClusterView> done, final long timeoutMs)
        throws InterruptedException {
        final long deadlineNs = time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!done.test(this)) {
            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - time.nanoseconds());
            if (remainingMs <= 0) {
                return false;
            }
            wait(Math.min(remainingMs, 100));
        }
        return true;
    }

    /** Idempotent. */
    @Override
    public void close() {
        brokersCache.close();
        controllerCache.close();
        configCache.close();
    }

    CuratorFramework client() {
        return zk;
    }
}
