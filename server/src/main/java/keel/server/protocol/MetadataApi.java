package keel.server.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import keel.server.metadata.ClusterView;
import keel.server.metadata.TopicException;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata (brokers, controller and each partition's leader, replicas and ISR from the {@link ClusterView}: in
 * single-node mode this broker leads everything; topic ids; auto-creation when {@code auto.create.topics.enable} and
 * the client allow it) and DescribeCluster. A partition the view does not know (yet) is answered with
 * LEADER_NOT_AVAILABLE, which clients retry. Runs on the blocking executor (auto-creation writes files). Thread-safe.
 */
final class MetadataApi {
    /** Metadata v10 and later carry topic ids. */
    private static final short FIRST_TOPIC_ID_VERSION = 10;
    /** Kafka's "authorized operations not requested" value. */
    private static final int NO_AUTHORIZED_OPERATIONS = Integer.MIN_VALUE;

    private final BrokerServices services;

    MetadataApi(final BrokerServices services) {
        this.services = services;
    }

    void metadata(final RequestContext context, final ApiMessage body) {
        final MetadataRequestData request = (MetadataRequestData) body;
        final short version = context.version();
        final ClusterView cluster = services.cluster();
        final MetadataResponseData response = new MetadataResponseData()
            .setClusterId(services.clusterId()).setControllerId(cluster.controllerId());
        for (final ClusterView.Node node : cluster.brokers()) {
            response.brokers().add(new MetadataResponseBroker().setNodeId(node.id()).setHost(node.host())
                .setPort(node.port()).setRack(node.rack()));
        }
        final boolean all = request.topics() == null || version == 0 && request.topics().isEmpty();
        if (all) {
            for (final TopicManager.Topic topic : services.topics().topics()) {
                response.topics().add(describe(topic, version));
            }
        } else {
            final boolean autoCreate = services.autoCreateTopics() && (version < 4 || request.allowAutoTopicCreation());
            for (final MetadataRequestData.MetadataRequestTopic requested : request.topics()) {
                response.topics().add(lookup(requested, autoCreate, version));
            }
        }
        context.respond(response);
    }

    private MetadataResponseTopic lookup(final MetadataRequestData.MetadataRequestTopic requested,
                                         final boolean autoCreate, final short version) {
        final String name = requested.name();
        if (name == null) {
            final Uuid id = requested.topicId();
            final TopicManager.Topic topic = id == null ? null : services.topics().topic(Ids.fromKafka(id));
            return topic != null ? describe(topic, version) : new MetadataResponseTopic()
                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setTopicId(id == null ? Uuid.ZERO_UUID : id);
        }
        TopicManager.Topic topic = services.topics().topic(name);
        // the internal topic is created by the broker on first need (FindCoordinator), never by a client
        if (topic == null && autoCreate && !OffsetsTopic.NAME.equals(name)) {
            try {
                services.topicCommands().createTopic(name, -1, -1, Map.of(), false);
            } catch (final TopicException ex) {
                if (ex.errorCode() != Errors.TOPIC_ALREADY_EXISTS.code()) {
                    return new MetadataResponseTopic().setName(name).setErrorCode((short) ex.errorCode());
                }
            } catch (final IOException ex) {
                throw new UncheckedIOException("Auto-creating topic " + name + " failed", ex);
            }
            topic = services.topics().topic(name);
        }
        if (topic == null) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        return describe(topic, version);
    }

    private MetadataResponseTopic describe(final TopicManager.Topic topic, final short version) {
        final MetadataResponseTopic response = new MetadataResponseTopic().setName(topic.name())
            .setIsInternal(OffsetsTopic.NAME.equals(topic.name()))
            .setTopicAuthorizedOperations(NO_AUTHORIZED_OPERATIONS);
        if (version >= FIRST_TOPIC_ID_VERSION) {
            response.setTopicId(Ids.toKafka(topic.id()));
        }
        final List<MetadataResponsePartition> partitions = new ArrayList<>(topic.partitionCount());
        for (int p = 0; p < topic.partitionCount(); p++) {
            final ClusterView.PartitionLeadership leadership = services.cluster().partition(topic.name(), p);
            if (leadership == null) {
                partitions.add(new MetadataResponsePartition().setPartitionIndex(p).setLeaderId(-1)
                    .setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setReplicaNodes(List.of())
                    .setIsrNodes(List.of()).setOfflineReplicas(List.of()));
                continue;
            }
            partitions.add(new MetadataResponsePartition().setPartitionIndex(p).setLeaderId(leadership.leader())
                .setErrorCode(leadership.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                .setLeaderEpoch(leadership.leaderEpoch()).setReplicaNodes(leadership.replicas())
                .setIsrNodes(leadership.isr()).setOfflineReplicas(List.of()));
        }
        return response.setPartitions(partitions);
    }

    void describeCluster(final RequestContext context, final ApiMessage body) {
        final DescribeClusterRequestData request = (DescribeClusterRequestData) body;
        final DescribeClusterResponseData response = new DescribeClusterResponseData()
            .setClusterId(services.clusterId()).setControllerId(services.cluster().controllerId())
            .setClusterAuthorizedOperations(NO_AUTHORIZED_OPERATIONS);
        if (context.version() >= 1) {
            response.setEndpointType(request.endpointType());
        }
        for (final ClusterView.Node node : services.cluster().brokers()) {
            response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(node.id())
                .setHost(node.host()).setPort(node.port()).setRack(node.rack()));
        }
        context.respond(response);
    }
}
