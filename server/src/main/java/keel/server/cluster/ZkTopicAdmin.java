package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Topic changes any broker may request (as Kafka's AdminZkClient): it writes the replica assignment, and the
 * controller, watching {@code /brokers/topics}, creates the partition states. Deletion is a request znode under
 * {@code /admin/delete_topics} that the controller carries out. Stateless: thread-safe.
 */
public final class ZkTopicAdmin {
    private final CuratorFramework zk;

    /**
     * @param zk a started client.
     */
    public ZkTopicAdmin(final CuratorFramework zk) {
        this.zk = zk;
    }

    /**
     * @param topic             the name (validated by the caller).
     * @param partitions        num.partitions or the request's count.
     * @param replicationFactor default.replication.factor or the request's factor.
     * @param start             the broker index the round robin starts at.
     * @return the assignment written.
     * @throws InvalidReplicationFactorException if there are fewer live brokers than replicas.
     * @throws KeeperException.NodeExistsException if the topic exists.
     */
    public TopicAssignment createTopic(final String topic, final int partitions, final int replicationFactor,
                                       final int start) throws KeeperException.NodeExistsException {
        return createTopic(topic, null, partitions, replicationFactor, Map.of(), start);
    }

    /**
     * Creates a topic as Kafka's ZooKeeper mode does: its configuration overrides in {@code /config/topics/<topic>}
     * first, then its id and assignment in {@code /brokers/topics/<topic>}, which the controller watches.
     *
     * @param topic             the name (validated by the caller).
     * @param topicId           the new topic's id, or {@code null} for none.
     * @param partitions        the partition count.
     * @param replicationFactor replicas per partition.
     * @param configs           topic-level configuration overrides (validated by the caller).
     * @param start             the broker index the round robin starts at.
     * @return the assignment written.
     * @throws InvalidReplicationFactorException if there are fewer live brokers than replicas.
     * @throws KeeperException.NodeExistsException if the topic exists.
     */
    public TopicAssignment createTopic(final String topic, final UUID topicId, final int partitions,
                                       final int replicationFactor, final Map<String, String> configs,
                                       final int start) throws KeeperException.NodeExistsException {
        final TopicAssignment assignment = new TopicAssignment(topicId, TopicAssignment.roundRobin(liveBrokers(), 0,
            partitions, replicationFactor, start));
        try {
            if (zk.checkExists().forPath(ZkPaths.topic(topic)) != null) {
                throw new KeeperException.NodeExistsException(ZkPaths.topic(topic));
            }
            writeConfigs(topic, configs);
            zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                .forPath(ZkPaths.topic(topic), assignment.toJson());
            return assignment;
        } catch (final KeeperException.NodeExistsException ex) {
            throw ex;
        } catch (final Exception ex) {
            throw new IllegalStateException("Creating topic=" + topic + " failed", ex);
        }
    }

    /**
     * Adds partitions to a topic (a conditional rewrite of its assignment; the controller creates their states).
     *
     * @return the new assignment, or {@code null} if the topic does not exist.
     * @throws IllegalArgumentException if {@code newCount} is not larger than the current count.
     */
    public TopicAssignment createPartitions(final String topic, final int newCount, final int start) {
        try {
            final Stat stat = new Stat();
            final byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).forPath(ZkPaths.topic(topic));
            } catch (final KeeperException.NoNodeException ex) {
                return null;
            }
            final TopicAssignment current = TopicAssignment.fromJson(data);
            final int count = current.partitions().size();
            if (newCount <= count) {
                throw new IllegalArgumentException("Topic currently has " + count + " partitions, which is higher "
                    + "than or equal to the requested " + newCount + ".");
            }
            final List<List<Integer>> replicas = new ArrayList<>(current.partitions());
            replicas.addAll(TopicAssignment.roundRobin(liveBrokers(), count, newCount - count,
                current.partitions().get(0).size(), start));
            final TopicAssignment next = current.withPartitions(replicas);
            zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.topic(topic), next.toJson());
            return next;
        } catch (final RuntimeException ex) {
            throw ex;
        } catch (final Exception ex) {
            throw new IllegalStateException("Adding partitions to topic=" + topic + " failed", ex);
        }
    }

    /**
     * Asks the controller to delete a topic.
     *
     * @return {@code false} if the topic does not exist.
     */
    public boolean deleteTopic(final String topic) {
        try {
            if (zk.checkExists().forPath(ZkPaths.topic(topic)) == null) {
                return false;
            }
            zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                .forPath(ZkPaths.DELETE_TOPICS + "/" + topic);
            return true;
        } catch (final KeeperException.NodeExistsException ex) {
            return true;
        } catch (final Exception ex) {
            throw new IllegalStateException("Requesting the deletion of topic=" + topic + " failed", ex);
        }
    }

    /**
     * Writes a topic's configuration overrides ({@code {"version":1,"config":{...}}}), which every broker watches.
     *
     * @param topic   the topic.
     * @param configs the complete set of overrides.
     */
    public void writeConfigs(final String topic, final Map<String, String> configs) {
        final StringBuilder json = new StringBuilder("{\"version\":1,\"config\":{");
        boolean first = true;
        for (final Map.Entry<String, String> entry : configs.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(Json.quote(entry.getKey())).append(':').append(Json.quote(entry.getValue()));
        }
        final byte[] data = json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        try {
            try {
                zk.setData().forPath(ZkPaths.topicConfig(topic), data);
            } catch (final KeeperException.NoNodeException ex) {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.topicConfig(topic), data);
            }
        } catch (final Exception ex) {
            throw new IllegalStateException("Writing the configuration of topic=" + topic + " failed", ex);
        }
    }

    /**
     * @param data the data of {@code /config/topics/<topic>}.
     * @return the overrides it holds.
     * @throws IllegalArgumentException if it is malformed.
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> parseConfigs(final byte[] data) {
        final Object config = Json.parseObject(data).get("config");
        final Map<String, String> configs = new LinkedHashMap<>();
        if (config instanceof Map) {
            for (final Map.Entry<String, Object> entry : ((Map<String, Object>) config).entrySet()) {
                configs.put(entry.getKey(), String.valueOf(entry.getValue()));
            }
        } else if (config != null) {
            throw new IllegalArgumentException("Expected a config object in "
                + new String(data, StandardCharsets.UTF_8));
        }
        return configs;
    }

    /**
     * @return the live brokers now, sorted.
     */
    public List<Integer> liveBrokers() {
        try {
            final TreeSet<Integer> ids = new TreeSet<>();
            for (final String child : zk.getChildren().forPath(ZkPaths.BROKER_IDS)) {
                ids.add(Integer.parseInt(child));
            }
            return new ArrayList<>(ids);
        } catch (final KeeperException.NoNodeException ex) {
            return List.of();
        } catch (final Exception ex) {
            throw new IllegalStateException("Listing " + ZkPaths.BROKER_IDS + " failed", ex);
        }
    }
}
