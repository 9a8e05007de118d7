package keel.server.cluster;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import keel.server.metadata.TopicCommands;
import keel.server.metadata.TopicErrors;
import keel.server.metadata.TopicException;
import keel.server.metadata.TopicId;
import keel.server.metadata.TopicInfo;
import keel.server.metadata.TopicManager;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic changes of a broker in a cluster: checked like a single node's (names, counts, configurations), then written
 * to ZooKeeper (assignment with a new topic id, configuration, deletion request) for the controller to carry out.
 * Like Kafka's CreateTopics, a creation answers once this broker's view holds a state (a leader) for every new
 * partition, or after {@code timeoutMs} (the topic then still comes into being). Thread-safe; blocking.
 */
public final class ZkTopicCommands implements TopicCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ZkTopicCommands.class);

    private final ZkTopicAdmin admin;
    private final ZkClusterView view;
    private final TopicManager topics;
    private final long timeoutMs;

    /**
     * @param admin     writes the changes.
     * @param view      this broker's view, to wait for the changes to take effect.
     * @param topics    the local topics (validation, defaults, lookups).
     * @param timeoutMs how long a change waits to be visible.
     */
    public ZkTopicCommands(final ZkTopicAdmin admin, final ZkClusterView view, final TopicManager topics,
                           final long timeoutMs) {
        this.admin = admin;
        this.view = view;
        this.topics = topics;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public TopicInfo createTopic(final String name, final int partitions, final int replicationFactor,
                                 final Map<String, String> configs, final boolean validateOnly) throws IOException {
        final int count = topics.checkNewTopic(name, partitions, configs);
        final int replicas = replicationFactor == -1 ? topics.defaultReplicationFactor() : replicationFactor;
        final int live = admin.liveBrokers().size();
        if (replicas < 1 || replicas > live) {
            throw new TopicException(TopicErrors.INVALID_REPLICATION_FACTOR, "Replication factor: " + replicas
                + " larger than available brokers: " + live + " (topic " + name + ")");
        }
        final TopicInfo info = new TopicInfo(name, TopicId.random(), count, configs);
        if (validateOnly) {
            return info;
        }
        try {
            admin.createTopic(name, info.id(), count, replicas, configs,
                ThreadLocalRandom.current().nextInt(Math.max(1, live)));
        } catch (final KeeperException.NodeExistsException ex) {
            throw new TopicException(TopicErrors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        } catch (final InvalidReplicationFactorException ex) {
            throw new TopicException(TopicErrors.INVALID_REPLICATION_FACTOR, ex.getMessage());
        }
        LOG.info("Requested topic {} with {} partitions, replication factor {}, id {}", name, count, replicas,
            TopicId.toText(info.id()));
        awaitLeaders(name, count);
        return info;
    }

    @Override
    public TopicInfo deleteTopic(final String name) throws IOException {
        final TopicManager.Topic topic = topics.topic(name);
        if (topic == null || !admin.deleteTopic(name)) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        await(v -> v.assignment(name) == null);
        return topic.info();
    }

    @Override
    public TopicInfo createPartitions(final String name, final int count, final boolean validateOnly)
        throws IOException {
        final TopicManager.Topic topic = topics.topic(name);
        if (topic == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        if (count <= topic.partitionCount()) {
            throw new TopicException(TopicErrors.INVALID_PARTITIONS, "Topic " + name + " currently has "
                + topic.partitionCount() + " partitions, " + count + " would not be an increase.");
        }
        final TopicInfo info = new TopicInfo(name, topic.id(), count, topic.info().configOverrides());
        if (validateOnly) {
            return info;
        }
        final TopicAssignment next;
        try {
            next = admin.createPartitions(name, count, ThreadLocalRandom.current().nextInt(1 << 16));
        } catch (final InvalidReplicationFactorException ex) {
            throw new TopicException(TopicErrors.INVALID_REPLICATION_FACTOR, ex.getMessage());
        } catch (final IllegalArgumentException ex) {
            throw new TopicException(TopicErrors.INVALID_PARTITIONS, ex.getMessage());
        }
        if (next == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        awaitLeaders(name, count);
        return info;
    }

    @Override
    public TopicInfo alterConfigs(final String name, final Map<String, String> set, final Set<String> delete,
                                  final boolean validateOnly) throws IOException {
        final TopicManager.Topic topic = topics.topic(name);
        if (topic == null) {
            throw new TopicException(TopicErrors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        final Map<String, String> overrides = new LinkedHashMap<>(topic.info().configOverrides());
        overrides.keySet().removeAll(delete);
        overrides.putAll(set);
        topics.checkConfigs(name, overrides);
        final TopicInfo info = new TopicInfo(name, topic.id(), topic.partitionCount(), overrides);
        if (validateOnly) {
            return info;
        }
        admin.writeConfigs(name, overrides);
        // every broker applies it from its watch; wait for this one's
        await(v -> {
            final TopicManager.Topic now = topics.topic(name);
            return now == null || now.info().configOverrides().equals(overrides);
        });
        return info;
    }

    private void awaitLeaders(final String name, final int count) throws IOException {
        await(v -> {
            if (topics.topic(name) == null || topics.topic(name).partitionCount() < count) {
                return false;
            }
            for (int p = 0; p < count; p++) {
                if (v.state(name, p) == null) {
                    return false;
                }
            }
            return true;
        });
    }

    private void await(final java.util.function.Predicate<ZkClusterView> done) throws IOException {
        try {
            view.await(done, timeoutMs);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a topic change to take effect");
        }
    }
}
