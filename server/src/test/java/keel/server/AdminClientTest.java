package keel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients 4.4 AdminClient against one shared in-process broker; every test uses its own topics.
 */
@Timeout(60)
class AdminClientTest {
    @TempDir
    static Path dataDir;

    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of("auto.create.topics.enable", "false")).start();
        admin = Admin.create(broker.clientProps());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        admin.close();
        broker.close();
    }

    private static void create(final String topic, final int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private static void produce(final String topic, final int count) throws Exception {
        final Properties props = broker.clientProps();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1000L + i, null,
                    ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }


    private interface Action {
        void run() throws Exception;
    }

    private static Throwable failure(final Action action) {
        final ExecutionException ex = assertThrows(ExecutionException.class, action::run);
        return ex.getCause();
    }

    @Test
    void shouldDescribeTopicWithIdAndPartitionsWhenCreated() throws Exception {
        create("described", 3);

        final TopicDescription description = admin.describeTopics(List.of("described")).allTopicNames().get()
            .get("described");

        assertEquals(3, description.partitions().size());
        assertFalse(description.topicId().toString().isEmpty());
        assertEquals(broker.server().config().brokerId(), description.partitions().get(2).leader().id());
        assertTrue(admin.listTopics().names().get().contains("described"));
    }

    @Test
    void shouldRefuseCreationWhenTopicExists() throws Exception {
        create("existing", 1);

        assertInstanceOf(TopicExistsException.class, failure(() -> create("existing", 1)));
    }

    @Test
    void shouldRemoveTopicAndItsFilesWhenDeleted() throws Exception {
        create("doomed", 2);
        assertTrue(Files.isDirectory(dataDir.resolve("doomed-1")));

        admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);

        assertFalse(admin.listTopics().names().get().contains("doomed"));
        assertFalse(Files.exists(dataDir.resolve("doomed-0")));
        assertFalse(Files.exists(dataDir.resolve("doomed-1")));
    }

    @Test
    void shouldFailWhenDeletingUnknownTopic() {
        assertInstanceOf(UnknownTopicOrPartitionException.class,
            failure(() -> admin.deleteTopics(List.of("never-created")).all().get()));
    }

    @Test
    void shouldGrowTopicWhenPartitionsAreCreated() throws Exception {
        create("growing", 1);

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);

        assertEquals(4, admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing")
            .partitions().size());
        assertTrue(Files.isDirectory(dataDir.resolve("growing-3")));
    }

    @Test
    void shouldRefusePartitionCountThatDoesNotGrow() throws Exception {
        create("shrinking", 2);

        assertInstanceOf(InvalidPartitionsException.class, failure(() -> admin.createPartitions(
            Map.of("shrinking", NewPartitions.increaseTo(1))).all().get()));
    }

    @Test
    void shouldDescribeChangedConfigWhenAltered() throws Exception {
        create("configured", 1);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("segment.bytes", "1048576"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("retention.bytes", "10000000"), AlterConfigOp.OpType.SET))))
            .all().get(30, TimeUnit.SECONDS);

        final Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("3600000", config.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
        assertEquals("1048576", config.get("segment.bytes").value());
        assertEquals("10000000", config.get("retention.bytes").value());
        assertEquals("delete", config.get("cleanup.policy").value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("cleanup.policy").source());
        assertEquals(3_600_000L, broker.server().topics().topic("configured").partition(0).log().config()
            .retentionMs());
    }

    @Test
    void shouldRefuseCompactionWithClearMessageWhenCleanupPolicyIsCompact() throws Exception {
        create("compacted", 1);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");

        final Throwable cause = failure(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
            .all().get());

        assertInstanceOf(InvalidConfigurationException.class, cause);
        assertEquals("Invalid value compact for configuration cleanup.policy: allowed [delete] (Keel has no log "
            + "compaction) (topic compacted)", cause.getMessage());
    }

    @Test
    void shouldRefuseTopicCreationWhenConfigIsInvalid() {
        assertInstanceOf(InvalidConfigurationException.class, failure(() -> admin.createTopics(List.of(
            new NewTopic("bad-config", 1, (short) 1).configs(Map.of("retention.ms", "soon")))).all().get()));
    }

    @Test
    void shouldListEarliestLatestAndMaxTimestampOffsets() throws Exception {
        create("listed", 1);
        produce("listed", 5);
        final TopicPartition tp = new TopicPartition("listed", 0);

        final ListOffsetsResult.ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
            .partitionResult(tp).get();
        final ListOffsetsResult.ListOffsetsResultInfo latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
            .partitionResult(tp).get();
        final ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
            .partitionResult(tp).get();
        final ListOffsetsResult.ListOffsetsResultInfo byTime = admin.listOffsets(Map.of(tp,
            OffsetSpec.forTimestamp(1002L))).partitionResult(tp).get();

        assertEquals(0, earliest.offset());
        assertEquals(5, latest.offset());
        assertEquals(4, max.offset());
        assertEquals(1004L, max.timestamp());
        assertEquals(2, byTime.offset());
    }

    @Test
    void shouldMoveLogStartWhenRecordsAreDeleted() throws Exception {
        create("trimmed", 1);
        produce("trimmed", 10);
        final TopicPartition tp = new TopicPartition("trimmed", 0);

        final long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).lowWatermarks()
            .get(tp).get().lowWatermark();

        assertEquals(6, lowWatermark);
        assertEquals(6, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
    }

    @Test
    void shouldDescribeTheOneBrokerWhenDescribingCluster() throws Exception {
        final DescribeClusterResult cluster = admin.describeCluster();

        final Collection<Node> nodes = cluster.nodes().get();
        assertEquals(1, nodes.size());
        assertEquals(broker.server().boundPort(), nodes.iterator().next().port());
        assertEquals(broker.server().clusterId(), cluster.clusterId().get());
        assertNotNull(cluster.controller().get());
    }

    @Test
    void shouldReportPartitionSizesWhenDescribingLogDirs() throws Exception {
        create("sized", 1);
        produce("sized", 3);
        final int brokerId = broker.server().config().brokerId();

        final Map<String, LogDirDescription> dirs = admin.describeLogDirs(Set.of(brokerId)).allDescriptions().get()
            .get(brokerId);

        assertEquals(1, dirs.size());
        final LogDirDescription dir = dirs.values().iterator().next();
        assertTrue(dir.replicaInfos().get(new TopicPartition("sized", 0)).size() > 0);
        assertTrue(dir.totalBytes().isPresent());
    }
}
