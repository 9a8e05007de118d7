package keel.server.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import keel.log.LogConfig;
import keel.server.metadata.TopicException;
import keel.server.metadata.TopicInfo;
import keel.server.metadata.TopicManager;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs and IncrementalAlterConfigs,
 * over the {@link TopicManager}. Runs on the blocking executor. Thread-safe.
 */
final class TopicAdminApi {
    /** ConfigResource.Type TOPIC. */
    private static final byte RESOURCE_TOPIC = 2;
    /** ConfigResource.Type BROKER. */
    private static final byte RESOURCE_BROKER = 4;
    /** DescribeConfigs config source: a topic-level override. */
    private static final byte SOURCE_TOPIC = 1;
    /** DescribeConfigs config source: the broker's static configuration file. */
    private static final byte SOURCE_STATIC_BROKER = 4;
    /** DescribeConfigs config source: the default. */
    private static final byte SOURCE_DEFAULT = 5;
    private static final byte OP_SET = 0;
    private static final byte OP_DELETE = 1;
    private static final byte OP_APPEND = 2;
    private static final byte OP_SUBTRACT = 3;
    /** CreateTopics v5 and later return the configuration, partitions and replication factor. */
    private static final short FIRST_CONFIGS_VERSION = 5;

    private final BrokerServices services;

    TopicAdminApi(final BrokerServices services) {
        this.services = services;
    }

    void createTopics(final RequestContext context, final ApiMessage body) {
        final CreateTopicsRequestData request = (CreateTopicsRequestData) body;
        final CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (final CreateTopicsRequestData.CreatableTopic topic : request.topics()) {
            final CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            response.topics().add(result);
            final Map<String, String> configs = new LinkedHashMap<>();
            for (final CreateTopicsRequestData.CreatableTopicConfig config : topic.configs()) {
                configs.put(config.name(), config.value());
            }
            try {
                if (OffsetsTopic.NAME.equals(topic.name())) {
                    throw new TopicException(Errors.INVALID_REQUEST.code(), "Creation of internal topic "
                        + OffsetsTopic.NAME + " is prohibited.");
                }
                int partitions = topic.numPartitions();
                int replicationFactor = topic.replicationFactor();
                if (!topic.assignments().isEmpty()) {
                    if (partitions != -1 || replicationFactor != -1) {
                        throw new TopicException(Errors.INVALID_REQUEST.code(), "Both numPartitions or "
                            + "replicationFactor and replicasAssignments were set for topic " + topic.name());
                    }
                    if (services.topics().clusterMode()) {
                        throw new TopicException(Errors.INVALID_REPLICA_ASSIGNMENT.code(), "Manual replica "
                            + "assignment is not supported by Keel in a cluster (topic " + topic.name() + ")");
                    }
                    partitions = topic.assignments().size();
                    for (final CreateTopicsRequestData.CreatableReplicaAssignment assignment : topic.assignments()) {
                        if (!assignment.brokerIds().equals(List.of(services.brokerId()))) {
                            throw new TopicException(Errors.INVALID_REPLICA_ASSIGNMENT.code(), "Replica assignment "
                                + assignment.brokerIds() + " of " + topic.name() + "-" + assignment.partitionIndex()
                                + " names brokers other than the only one, " + services.brokerId());
                        }
                    }
                    replicationFactor = 1;
                }
                final TopicInfo info = services.topicCommands().createTopic(topic.name(), partitions, replicationFactor,
                    configs, request.validateOnly());
                if (context.version() >= 7) {
                    result.setTopicId(request.validateOnly() ? Uuid.ZERO_UUID : Ids.toKafka(info.id()));
                }
                if (context.version() >= FIRST_CONFIGS_VERSION) {
                    result.setNumPartitions(info.partitionCount()).setReplicationFactor((short) (replicationFactor == -1
                        ? services.topics().defaultReplicationFactor() : replicationFactor))
                        .setConfigs(createdConfigs(info));
                }
            } catch (final TopicException ex) {
                result.setErrorCode((short) ex.errorCode()).setErrorMessage(ex.getMessage());
            } catch (final IOException ex) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setErrorMessage(ex.getMessage());
            }
        }
        context.respond(response);
    }

    private List<CreatableTopicConfigs> createdConfigs(final TopicInfo info) {
        final List<CreatableTopicConfigs> configs = new ArrayList<>();
        for (final Map.Entry<String, String[]> entry : topicConfigs(info).entrySet()) {
            configs.add(new CreatableTopicConfigs().setName(entry.getKey()).setValue(entry.getValue()[0])
                .setConfigSource(Byte.parseByte(entry.getValue()[1])).setReadOnly(false).setIsSensitive(false));
        }
        return configs;
    }

    /**
     * @return key to {value, source} of every topic-level key, overrides first.
     */
    private Map<String, String[]> topicConfigs(final TopicInfo info) {
        final Map<String, String[]> configs = new LinkedHashMap<>();
        final LogConfig effective = services.topics().defaults().with(withoutTopicOnlyKeys(info.configOverrides()));
        for (final Map.Entry<String, String> entry : effective.toMap().entrySet()) {
            final boolean override = info.configOverrides().containsKey(entry.getKey());
            configs.put(entry.getKey(), new String[] {entry.getValue(),
                Byte.toString(override ? SOURCE_TOPIC : SOURCE_DEFAULT)});
        }
        final String minIsr = info.configOverrides().get(TopicManager.MIN_INSYNC_REPLICAS_CONFIG);
        configs.put(TopicManager.MIN_INSYNC_REPLICAS_CONFIG, new String[] {
            minIsr != null ? minIsr : Integer.toString(services.topics().defaultMinInSyncReplicas()),
            Byte.toString(minIsr != null ? SOURCE_TOPIC : SOURCE_DEFAULT)});
        return configs;
    }

    private static Map<String, String> withoutTopicOnlyKeys(final Map<String, String> overrides) {
        final Map<String, String> log = new LinkedHashMap<>(overrides);
        log.remove(TopicManager.MIN_INSYNC_REPLICAS_CONFIG);
        return log;
    }

    void deleteTopics(final RequestContext context, final ApiMessage body) {
        final DeleteTopicsRequestData request = (DeleteTopicsRequestData) body;
        final List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(request.topics());
        for (final String name : request.topicNames()) {
            targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        }
        final DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        for (final DeleteTopicsRequestData.DeleteTopicState target : targets) {
            final DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData
                .DeletableTopicResult().setName(target.name());
            response.responses().add(result);
            String name = target.name();
            if (name == null) {
                final TopicManager.Topic topic = services.topics().topic(Ids.fromKafka(target.topicId()));
                result.setTopicId(target.topicId());
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                name = topic.name();
                result.setName(name);
            }
            if (OffsetsTopic.NAME.equals(name)) {
                // the coordinator's state lives there; Kafka refuses to delete internal topics too
                result.setErrorCode(Errors.INVALID_REQUEST.code());
                if (context.version() >= 5) {
                    result.setErrorMessage("Topic " + name + " is internal and cannot be deleted.");
                }
                continue;
            }
            if (!services.deleteTopicEnable()) {
                result.setErrorCode(Errors.TOPIC_DELETION_DISABLED.code())
                    .setErrorMessage("Topic deletion is disabled (delete.topic.enable=false)");
                continue;
            }
            try {
                final TopicInfo deleted = services.topicCommands().deleteTopic(name);
                if (context.version() >= 6) {
                    result.setTopicId(Ids.toKafka(deleted.id()));
                }
            } catch (final TopicException ex) {
                result.setErrorCode((short) ex.errorCode());
                if (context.version() >= 5) {
                    result.setErrorMessage(ex.getMessage());
                }
            } catch (final IOException ex) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
        }
        context.respond(response);
    }

    void createPartitions(final RequestContext context, final ApiMessage body) {
        final CreatePartitionsRequestData request = (CreatePartitionsRequestData) body;
        final CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        for (final CreatePartitionsRequestData.CreatePartitionsTopic topic : request.topics()) {
            final CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            try {
                if (OffsetsTopic.NAME.equals(topic.name())) {
                    // offsets.topic.num.partitions decides where each group lives: it cannot grow
                    throw new TopicException(Errors.INVALID_REQUEST.code(), "The partition count of internal topic "
                        + OffsetsTopic.NAME + " is fixed by offsets.topic.num.partitions.");
                }
                if (topic.assignments() != null) {
                    for (final CreatePartitionsRequestData.CreatePartitionsAssignment a : topic.assignments()) {
                        if (!a.brokerIds().equals(List.of(services.brokerId()))) {
                            throw new TopicException(Errors.INVALID_REPLICA_ASSIGNMENT.code(), "Replica assignment "
                                + a.brokerIds() + " names brokers other than the only one, " + services.brokerId());
                        }
                    }
                }
                services.topicCommands().createPartitions(topic.name(), topic.count(), request.validateOnly());
            } catch (final TopicException ex) {
                result.setErrorCode((short) ex.errorCode()).setErrorMessage(ex.getMessage());
            } catch (final IOException ex) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setErrorMessage(ex.getMessage());
            }
        }
        context.respond(response);
    }

    void describeConfigs(final RequestContext context, final ApiMessage body) {
        final DescribeConfigsRequestData request = (DescribeConfigsRequestData) body;
        final DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (final DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources()) {
            final DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData
                .DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName());
            response.results().add(result);
            final Map<String, String[]> configs;
            final boolean readOnly;
            if (resource.resourceType() == RESOURCE_TOPIC) {
                final TopicManager.Topic topic = services.topics().topic(resource.resourceName());
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic " + resource.resourceName() + " does not exist");
                    continue;
                }
                configs = topicConfigs(topic.info());
                readOnly = false;
            } else if (resource.resourceType() == RESOURCE_BROKER
                && (resource.resourceName().isEmpty()
                || resource.resourceName().equals(Integer.toString(services.brokerId())))) {
                configs = new LinkedHashMap<>();
                for (final Map.Entry<String, String> entry : services.brokerConfigs().entrySet()) {
                    configs.put(entry.getKey(), new String[] {entry.getValue(), Byte.toString(SOURCE_STATIC_BROKER)});
                }
                readOnly = true;
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Keel describes topic and "
                    + "broker " + services.brokerId() + " configurations only, not resource type "
                    + resource.resourceType() + " '" + resource.resourceName() + "'");
                continue;
            }
            final Set<String> wanted = resource.configurationKeys() == null ? null
                : new HashSet<>(resource.configurationKeys());
            for (final Map.Entry<String, String[]> entry : configs.entrySet()) {
                if (wanted == null || wanted.contains(entry.getKey())) {
                    result.configs().add(new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                        .setName(entry.getKey()).setValue(entry.getValue()[0]).setReadOnly(readOnly)
                        .setConfigSource(Byte.parseByte(entry.getValue()[1])).setIsSensitive(false));
                }
            }
        }
        context.respond(response);
    }

    void incrementalAlterConfigs(final RequestContext context, final ApiMessage body) {
        final IncrementalAlterConfigsRequestData request = (IncrementalAlterConfigsRequestData) body;
        final IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        for (final IncrementalAlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
                new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            if (resource.resourceType() != RESOURCE_TOPIC) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Keel changes topic "
                    + "configurations only; broker configuration is static (server.properties)");
                continue;
            }
            try {
                alterTopic(resource, request.validateOnly());
            } catch (final TopicException ex) {
                result.setErrorCode((short) ex.errorCode()).setErrorMessage(ex.getMessage());
            } catch (final IOException ex) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setErrorMessage(ex.getMessage());
            }
        }
        context.respond(response);
    }

    private void alterTopic(final IncrementalAlterConfigsRequestData.AlterConfigsResource resource,
                            final boolean validateOnly) throws IOException {
        final TopicManager.Topic topic = services.topics().topic(resource.resourceName());
        if (topic == null) {
            throw new TopicException(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), "Topic " + resource.resourceName()
                + " does not exist");
        }
        final Map<String, String> current = topic.info().configOverrides();
        final Map<String, String> set = new LinkedHashMap<>();
        final Set<String> delete = new HashSet<>();
        for (final IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
            final byte op = config.configOperation();
            if (op == OP_SET) {
                set.put(config.name(), config.value());
            } else if (op == OP_DELETE) {
                delete.add(config.name());
            } else if ((op == OP_APPEND || op == OP_SUBTRACT)
                && LogConfig.CLEANUP_POLICY_CONFIG.equals(config.name())) {
                final Set<String> values = new LinkedHashSet<>(List.of(current.getOrDefault(config.name(),
                    LogConfig.CLEANUP_POLICY_DEFAULT).split(",")));
                for (final String value : config.value().split(",")) {
                    if (op == OP_APPEND) {
                        values.add(value.trim());
                    } else {
                        values.remove(value.trim());
                    }
                }
                set.put(config.name(), String.join(",", values));
            } else {
                throw new TopicException(Errors.INVALID_CONFIG.code(), "Operation " + op + " is not valid for "
                    + config.name() + ": APPEND and SUBTRACT apply to list configurations only");
            }
        }
        services.topicCommands().alterConfigs(topic.name(), set, delete, validateOnly);
    }
}
