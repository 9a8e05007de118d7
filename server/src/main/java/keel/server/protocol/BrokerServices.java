package keel.server.protocol;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import keel.replication.DelayedOperationPurgatory;
import keel.server.group.GroupCoordinator;
import keel.server.metadata.ClusterView;
import keel.server.metadata.ProducerIdManager;
import keel.server.metadata.TopicCommands;
import keel.server.metadata.TopicManager;

/**
 * What the protocol layer runs requests against, composed by the broker: topics and partitions, producer ids, the
 * purgatories of parked produce and fetch requests, the executor for work that may block, and the broker's identity.
 * Immutable holder; the services themselves are thread-safe.
 */
public final class BrokerServices {
    private final TopicManager topics;
    private final TopicCommands topicCommands;
    private final ProducerIdManager producerIds;
    private final DelayedOperationPurgatory producePurgatory;
    private final DelayedOperationPurgatory fetchPurgatory;
    private final Executor blockingExecutor;
    private final String clusterId;
    private final String advertisedHost;
    private final IntSupplier advertisedPort;
    private final boolean autoCreateTopics;
    private final boolean deleteTopicEnable;
    private final Map<String, String> brokerConfigs;
    private final GroupCoordinator groupCoordinator;
    private final OffsetsTopic offsetsTopic;
    private final ClusterView cluster;

    /**
     * @param topics           topics and partitions.
     * @param topicCommands    topic changes (the topic manager itself on a single node, the controller in a cluster).
     * @param producerIds      producer id allocation.
     * @param producePurgatory parked acks=all produce requests.
     * @param fetchPurgatory   parked long-poll fetch requests.
     * @param blockingExecutor runs requests that may block (topic changes, fsyncs).
     * @param clusterId        the cluster id.
     * @param advertisedHost   the host clients are told.
     * @param advertisedPort   the port clients are told (the bound port once known).
     * @param autoCreateTopics auto.create.topics.enable.
     * @param deleteTopicEnable delete.topic.enable.
     * @param brokerConfigs    the broker's configuration, for DescribeConfigs of the broker resource.
     * @param groupCoordinator the consumer group coordinator.
     * @param offsetsTopic     the internal offsets topic and the load state of its partitions.
     * @param cluster          brokers, controller and partition leadership for Metadata ({@link
     *                         ClusterView#singleNode} without ZooKeeper).
     */
    public BrokerServices(final TopicManager topics, final TopicCommands topicCommands,
                          final ProducerIdManager producerIds,
                          final DelayedOperationPurgatory producePurgatory,
                          final DelayedOperationPurgatory fetchPurgatory, final Executor blockingExecutor,
                          final String clusterId, final String advertisedHost, final IntSupplier advertisedPort,
                          final boolean autoCreateTopics, final boolean deleteTopicEnable,
                          final Map<String, String> brokerConfigs, final GroupCoordinator groupCoordinator,
                          final OffsetsTopic offsetsTopic, final ClusterView cluster) {
        this.topics = topics;
        this.topicCommands = topicCommands;
        this.producerIds = producerIds;
        this.producePurgatory = producePurgatory;
        this.fetchPurgatory = fetchPurgatory;
        this.blockingExecutor = blockingExecutor;
        this.clusterId = clusterId;
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
        this.autoCreateTopics = autoCreateTopics;
        this.deleteTopicEnable = deleteTopicEnable;
        this.brokerConfigs = brokerConfigs;
        this.cluster = cluster;
        this.groupCoordinator = groupCoordinator;
        this.offsetsTopic = offsetsTopic;
    }

    GroupCoordinator groupCoordinator() {
        return groupCoordinator;
    }

    OffsetsTopic offsetsTopic() {
        return offsetsTopic;
    }

    TopicManager topics() {
        return topics;
    }

    TopicCommands topicCommands() {
        return topicCommands;
    }

    ProducerIdManager producerIds() {
        return producerIds;
    }

    DelayedOperationPurgatory producePurgatory() {
        return producePurgatory;
    }

    DelayedOperationPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    Executor blockingExecutor() {
        return blockingExecutor;
    }

    String clusterId() {
        return clusterId;
    }

    String advertisedHost() {
        return advertisedHost;
    }

    int advertisedPort() {
        return advertisedPort.getAsInt();
    }

    boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    boolean deleteTopicEnable() {
        return deleteTopicEnable;
    }

    Map<String, String> brokerConfigs() {
        return brokerConfigs;
    }

    ClusterView cluster() {
        return cluster;
    }

    int brokerId() {
        return topics.brokerId();
    }
}
