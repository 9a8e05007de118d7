package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import keel.log.testing.Await;
import keel.replication.Partition;
import keel.server.TestBroker;
import keel.server.metadata.TopicManager;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three whole brokers (KeelServer, in this JVM) in a ZooKeeper cluster, replicating over TCP: topics created by
 * clients through the controller, acks=all with min.insync.replicas=2, followers holding the leader's batches,
 * leadership moving on a clean shutdown, group coordination and topic deletion. The child-JVM SIGKILL tests are in
 * ClusterFailoverTest.
 */
@Timeout(120)
class ReplicatedClusterTest {
    @TempDir
    Path dir;

    private TestingServer zookeeper;
    private final List<TestBroker> brokers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        zookeeper = new TestingServer(true);
        for (int id = 1; id <= 3; id++) {
            brokers.add(new TestBroker(dir.resolve("b" + id), Map.of("broker.id", Integer.toString(id),
                "zookeeper.connect", zookeeper.getConnectString(), "zookeeper.session.timeout.ms", "6000",
                "default.replication.factor", "3", "min.insync.replicas", "2", "replica.fetch.wait.max.ms", "100",
                "replica.fetch.backoff.ms", "100", "offsets.topic.num.partitions", "3",
                "offsets.topic.segment.bytes", Integer.toString(1024 * 1024))).start());
        }
        try (Admin admin = admin()) {
            Await.await(() -> {
                try {
                    return admin.describeCluster().nodes().get().size() == 3;
                } catch (final Exception ex) {
                    return false;
                }
            }, 30_000, () -> "three brokers registered");
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (final TestBroker broker : brokers) {
            broker.close();
        }
        zookeeper.close();
    }

    private Admin admin() {
        final StringBuilder bootstrap = new StringBuilder();
        for (final TestBroker broker : brokers) {
            if (broker.server() != null) {
                bootstrap.append(bootstrap.length() == 0 ? "" : ",").append(broker.bootstrap());
            }
        }
        return Admin.create(Map.of("bootstrap.servers", bootstrap.toString()));
    }

    private Properties clientProps() {
        final Properties props = new Properties();
        final StringBuilder bootstrap = new StringBuilder();
        for (final TestBroker broker : brokers) {
            if (broker.server() != null) {
                bootstrap.append(bootstrap.length() == 0 ? "" : ",").append(broker.bootstrap());
            }
        }
        props.put("bootstrap.servers", bootstrap.toString());
        return props;
    }

    private KafkaProducer<String, String> producer() {
        final Properties props = clientProps();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("delivery.timeout.ms", "60000");
        props.put("request.timeout.ms", "10000");
        props.put("retry.backoff.ms", "50");
        props.put("linger.ms", "1");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(final String group) {
        final Properties props = clientProps();
        if (group != null) {
            props.put("group.id", group);
            props.put("enable.auto.commit", "false");
        }
        props.put("auto.offset.reset", "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private void createTopic(final String name, final int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 3))).all().get();
        }
    }

    private void produce(final String topic, final int partitions, final int from, final int count)
        throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, Integer.toString(i), "value-" + i)).get();
            }
        }
    }

    private static List<String> consumeAll(final KafkaConsumer<String, String> consumer, final int expected) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (values.size() < expected && System.nanoTime() < deadline) {
            for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
        return values;
    }

    private Partition replica(final TestBroker broker, final String topic, final int partition) {
        final TopicManager.Topic known = broker.server().topics().topic(topic);
        return known == null ? null : known.partition(partition);
    }

    private int leaderOf(final String topic, final int partition) throws Exception {
        try (Admin admin = admin()) {
            final TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get()
                .get(topic);
            return description.partitions().get(partition).leader().id();
        }
    }

    @Test
    void shouldCopyEveryAcknowledgedBatchToEveryReplicaWhenReplicationFactorIsThree() throws Exception {
        createTopic("rf3", 2);
        produce("rf3", 2, 0, 200);
        // every replica ends at the same offset with the same high watermark
        for (int p = 0; p < 2; p++) {
            final int partition = p;
            Await.await(() -> {
                final Set<Long> ends = new HashSet<>();
                final Set<Long> marks = new HashSet<>();
                for (final TestBroker broker : brokers) {
                    final Partition replica = replica(broker, "rf3", partition);
                    if (replica == null) {
                        return false;
                    }
                    ends.add(replica.log().logEndOffset());
                    marks.add(replica.highWatermark());
                }
                return ends.size() == 1 && marks.equals(ends) && ends.iterator().next() == 100L;
            }, 30_000, () -> "three replicas of rf3-" + partition + " at offset 100");
        }
        try (KafkaConsumer<String, String> consumer = consumer(null)) {
            consumer.assign(List.of(new TopicPartition("rf3", 0), new TopicPartition("rf3", 1)));
            assertEquals(200, new HashSet<>(consumeAll(consumer, 200)).size());
        }
    }

    @Test
    void shouldShowOneLeaderAndTwoFollowersWithFullIsrWhenTopicIsCreatedByAClient() throws Exception {
        createTopic("roles", 1);
        Await.await(() -> {
            int leaders = 0;
            int followers = 0;
            for (final TestBroker broker : brokers) {
                final Partition replica = replica(broker, "roles", 0);
                if (replica != null && replica.role() == Partition.Role.LEADER) {
                    leaders++;
                    if (replica.inSyncReplicaCount() != 3) {
                        return false;
                    }
                } else if (replica != null && replica.role() == Partition.Role.FOLLOWER) {
                    followers++;
                }
            }
            return leaders == 1 && followers == 2;
        }, 30_000, () -> "one leader with ISR 3 and two followers");
    }

    @Test
    void shouldRefuseReplicationFactorAboveLiveBrokersWhenCreatingTopic() throws Exception {
        try (Admin admin = admin()) {
            final ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("too-many", 1, (short) 4))).all().get());
            assertTrue(ex.getCause() instanceof InvalidReplicationFactorException, ex.getCause().toString());
        }
    }

    @Test
    void shouldKeepAcknowledgedRecordsAndMoveLeadershipWhenLeaderShutsDown() throws Exception {
        createTopic("moving", 2);
        produce("moving", 2, 0, 100);
        final int oldLeader = leaderOf("moving", 0);
        brokers.get(oldLeader - 1).close();
        Await.await(() -> {
            try {
                return leaderOf("moving", 0) != oldLeader;
            } catch (final Exception ex) {
                return false;
            }
        }, 30_000, () -> "a new leader for moving-0");
        produce("moving", 2, 100, 100);
        try (KafkaConsumer<String, String> consumer = consumer(null)) {
            consumer.assign(List.of(new TopicPartition("moving", 0), new TopicPartition("moving", 1)));
            final List<String> values = consumeAll(consumer, 200);
            assertEquals(200, values.size(), "every acknowledged record once");
            assertEquals(200, new HashSet<>(values).size());
        }
        assertNotEquals(oldLeader, leaderOf("moving", 0));
    }

    @Test
    void shouldCatchUpRestartedFollowerAndReturnItToIsr() throws Exception {
        createTopic("rejoin", 1);
        final int leader = leaderOf("rejoin", 0);
        final TestBroker follower = brokers.get(leader % 3);
        follower.close();
        produce("rejoin", 1, 0, 50);
        follower.start();
        Await.await(() -> {
            final Partition replica = replica(follower, "rejoin", 0);
            final Partition leading = replica(brokers.get(leader - 1), "rejoin", 0);
            return replica != null && leading != null && replica.log().logEndOffset() == 50
                && leading.inSyncReplicaCount() == 3;
        }, 30_000, () -> "the restarted follower caught up and is in the ISR again");
    }

    @Test
    void shouldCommitAndFetchGroupOffsetsThroughTheLeaderOfTheOffsetsPartition() throws Exception {
        createTopic("grouped", 2);
        produce("grouped", 2, 0, 20);
        try (KafkaConsumer<String, String> consumer = consumer("cluster-group")) {
            consumer.subscribe(List.of("grouped"));
            assertEquals(20, consumeAll(consumer, 20).size());
            consumer.commitSync();
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(
                Set.of(new TopicPartition("grouped", 0), new TopicPartition("grouped", 1)));
            assertEquals(10, committed.get(new TopicPartition("grouped", 0)).offset());
            assertEquals(10, committed.get(new TopicPartition("grouped", 1)).offset());
        }
    }

    @Test
    void shouldDeleteTopicFilesOnEveryBrokerWhenClientDeletesIt() throws Exception {
        createTopic("doomed", 1);
        produce("doomed", 1, 0, 4);
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of("doomed")).all().get();
        }
        Await.await(() -> {
            for (final TestBroker broker : brokers) {
                if (broker.server().topics().topic("doomed") != null) {
                    return false;
                }
            }
            return true;
        }, 30_000, () -> "every broker forgot topic doomed");
        for (final TestBroker broker : brokers) {
            assertFalse(Files.exists(broker.server().config().logDir().resolve("doomed-0")));
        }
    }

    @Test
    void shouldAddReplicatedPartitionsWhenClientGrowsTopic() throws Exception {
        createTopic("growing", 1);
        try (Admin admin = admin()) {
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all().get();
            assertEquals(3, admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing")
                .partitions().size());
        }
        Await.await(() -> {
            for (final TestBroker broker : brokers) {
                if (replica(broker, "growing", 2) == null) {
                    return false;
                }
            }
            return true;
        }, 30_000, () -> "every broker holds growing-2");
    }

    @Test
    void shouldHandOutDistinctProducerIdsFromDifferentBrokers() throws Exception {
        try (org.apache.curator.framework.CuratorFramework zk = ZkTesting.client(zookeeper)) {
            final ZkProducerIdBlocks one = new ZkProducerIdBlocks(zk, 1);
            final ZkProducerIdBlocks two = new ZkProducerIdBlocks(zk, 2);
            final long a = one.takeBlock(1000);
            final long b = two.takeBlock(1000);
            final long c = one.takeBlock(1000);
            assertEquals(Set.of(a, b, c).size(), 3);
            assertTrue(Math.abs(a - b) >= 1000 && Math.abs(b - c) >= 1000 && Math.abs(a - c) >= 1000);
            final String json = new String(zk.getData().forPath(ZkProducerIdBlocks.PATH), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"broker\":1"), json);
        }
    }
}
