package keel.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import keel.log.LogManager;
import keel.server.metadata.TopicId;
import keel.server.protocol.RawClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker lifecycle: clean shutdown and restart over the same data directory.
 */
@Timeout(120)
class KeelServerTest {
    @TempDir
    Path dataDir;

    private TestBroker broker;

    @AfterEach
    void tearDown() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private void produce(final String topic, final int partition, final int from, final int count) throws Exception {
        final Properties props = broker.clientProps();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(final String topic, final int partition, final int expected) {
        final Properties props = broker.clientProps();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            final TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private Uuid topicId(final String topic) throws Exception {
        try (Admin admin = Admin.create(broker.clientProps())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        }
    }

    @Test
    void shouldServeEverythingProducedWhenRestartedAfterCleanShutdown() throws Exception {
        broker = new TestBroker(dataDir, Map.of("num.partitions", "2")).start();
        produce("durable", 0, 0, 300);
        produce("durable", 1, 0, 5);
        broker.close();
        assertTrue(Files.exists(dataDir.resolve(LogManager.CLEAN_SHUTDOWN_FILE)));

        broker.start();
        produce("durable", 0, 300, 10);

        final List<ConsumerRecord<byte[], byte[]>> records = consume("durable", 0, 310);
        assertEquals(310, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i, records.get(i).offset());
            assertArrayEquals(("r" + i).getBytes(StandardCharsets.UTF_8), records.get(i).value());
        }
        assertEquals(5, consume("durable", 1, 5).size());
    }

    @Test
    void shouldAcknowledgeDuplicateWithoutAppendWhenProducerRetriesAcrossRestart() throws Exception {
        broker = new TestBroker(dataDir, Map.of()).start();
        broker.server().topics().createTopic("retried", 1, 1, Map.of(), false);
        final long producerId = 4242L;
        final long firstOffset;
        try (RawClient client = new RawClient(broker.server().boundPort())) {
            firstOffset = produceIdempotent(client, "retried", producerId, 0).baseOffset();
            produceIdempotent(client, "retried", producerId, 1);
        }
        broker.close();
        broker.start();
        final long endBefore = broker.server().topics().topic("retried").partition(0).log().logEndOffset();

        try (RawClient client = new RawClient(broker.server().boundPort())) {
            final ProduceResponseData.PartitionProduceResponse retry = produceIdempotent(client, "retried",
                producerId, 1);
            final ProduceResponseData.PartitionProduceResponse next = produceIdempotent(client, "retried",
                producerId, 2);

            assertEquals(Errors.NONE.code(), retry.errorCode());
            assertEquals(firstOffset + 1, retry.baseOffset());
            assertEquals(Errors.NONE.code(), next.errorCode());
            assertEquals(endBefore, next.baseOffset());
        }
    }

    private static ProduceResponseData.PartitionProduceResponse produceIdempotent(final RawClient client,
                                                                                  final String topic,
                                                                                  final long producerId,
                                                                                  final int sequence)
        throws Exception {
        final ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
            MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence,
                new SimpleRecord(1000L, ("s" + sequence).getBytes(StandardCharsets.UTF_8)))));
        data.topicData().add(topicData);
        final ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, (short) 12, data);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    @Test
    void shouldKeepTopicIdWhenRestarted() throws Exception {
        broker = new TestBroker(dataDir, Map.of()).start();
        produce("stable-id", 0, 0, 1);
        final Uuid before = topicId("stable-id");
        broker.close();

        broker.start();

        assertEquals(before, topicId("stable-id"));
    }

    @Test
    void shouldWriteKafkaPartitionMetadataWhenTopicIsCreated() throws Exception {
        broker = new TestBroker(dataDir, Map.of()).start();
        produce("with-metadata", 0, 0, 1);

        final UUID id = broker.server().topics().topic("with-metadata").id();

        assertEquals("version: 0\ntopic_id: " + TopicId.toText(id) + "\n",
            Files.readString(dataDir.resolve("with-metadata-0/partition.metadata")));
        assertEquals(topicId("with-metadata").toString(), TopicId.toText(id));
    }
}
