package keel.server;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kafka-clients 4.4 producers and consumers against one shared in-process broker; every test uses its own topic.
 */
@Timeout(120)
class ProduceConsumeTest {
    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, Map.of("message.max.bytes", Integer.toString(4 * 1024 * 1024))).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static KafkaProducer<byte[], byte[]> producer(final Map<String, Object> extra) {
        final Properties props = broker.clientProps();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("linger.ms", "0");
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(final Map<String, Object> extra) {
        final Properties props = broker.clientProps();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        props.putAll(extra);
        return new KafkaConsumer<>(props);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(final String topic, final int expected,
                                                                final Map<String, Object> extra) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(extra)) {
            final TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void produceAndReadBack(final String topic, final Map<String, Object> producerConfig,
                                           final int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(producerConfig)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("k" + i), bytes("value-" + i)));
            }
            producer.flush();
        }
        final List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, count, Map.of());
        assertEquals(count, records.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i, records.get(i).offset());
            assertArrayEquals(bytes("value-" + i), records.get(i).value());
            assertArrayEquals(bytes("k" + i), records.get(i).key());
        }
    }

    @Test
    void shouldReadBackInOrderWhenIdempotentProducerUsesAcksAll() throws Exception {
        produceAndReadBack("acks-all", Map.of("acks", "all"), 500);
    }

    @Test
    void shouldReadBackInOrderWhenProducerUsesAcksOne() throws Exception {
        produceAndReadBack("acks-one", Map.of("acks", "1", "enable.idempotence", "false"), 200);
    }

    @Test
    void shouldStoreRecordsWhenProducerUsesAcksZero() throws Exception {
        produceAndReadBack("acks-zero", Map.of("acks", "0", "enable.idempotence", "false"), 200);
    }

    @Test
    void shouldReadEverythingWhenConsumerIsolationIsReadCommitted() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("read-committed", 0, null, bytes("value-" + i)));
            }
            producer.flush();
        }

        final List<ConsumerRecord<byte[], byte[]>> records = readAll("read-committed", 50,
            Map.of("isolation.level", "read_committed"));

        assertEquals(50, records.size());
        assertArrayEquals(bytes("value-49"), records.get(49).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldServeCompressedBatchesWhenProducerCompresses(final String codec) throws Exception {
        produceAndReadBack("codec-" + codec, Map.of("compression.type", codec, "linger.ms", "5"), 300);
    }

    @Test
    void shouldReadBackOneMegabyteRecordWhenLimitsAreRaised() throws Exception {
        final byte[] big = new byte[1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of("max.request.size", 2 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>("big-record", 0, null, big)).get(30, TimeUnit.SECONDS);
        }
        final List<ConsumerRecord<byte[], byte[]>> records = readAll("big-record", 1,
            Map.of("max.partition.fetch.bytes", 64 * 1024));
        assertEquals(1, records.size());
        assertArrayEquals(big, records.get(0).value());
    }

    @Test
    void shouldReturnLongPollAsSoonAsDataArrivesWhenWaitingForData() throws Exception {
        final String topic = "long-poll";
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("first"))).get(30, TimeUnit.SECONDS);
            final KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of("fetch.max.wait.ms", 20_000,
                "fetch.min.bytes", 1));
            try {
                final TopicPartition tp = new TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seek(tp, 1);
                final int parkedBefore = broker.server().parkedFetches();
                final long start = System.nanoTime();
                final CompletableFuture<List<ConsumerRecord<byte[], byte[]>>> polled = CompletableFuture.supplyAsync(
                    () -> {
                        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                        consumer.poll(Duration.ofSeconds(30)).forEach(records::add);
                        return records;
                    });
                // the consumer's fetch finds nothing above offset 1 and parks in the broker's fetch purgatory
                await(() -> broker.server().parkedFetches() > parkedBefore, 20_000,
                    () -> "the consumer's fetch was never parked");

                producer.send(new ProducerRecord<>(topic, 0, null, bytes("second"))).get(30, TimeUnit.SECONDS);

                final List<ConsumerRecord<byte[], byte[]>> records = polled.get(30, TimeUnit.SECONDS);
                final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(1, records.size(), "poll returned after " + elapsedMs + " ms");
                assertArrayEquals(bytes("second"), records.get(0).value());
                assertTrue(elapsedMs < 20_000, "poll waited " + elapsedMs + " ms, the whole fetch.max.wait.ms");
            } finally {
                // the consumer's next fetch is parked now, and its close request queues behind it on the connection
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
        }
    }

    @Test
    void shouldFindFirstOffsetAtOrAfterTimestampWhenConsumerAsksOffsetsForTimes() throws Exception {
        final String topic = "times";
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1_000_000L + i * 1000L, null, bytes("v" + i)));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            final TopicPartition tp = new TopicPartition(topic, 0);
            final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, 1_004_500L));
            assertEquals(5, found.get(tp).offset());
            assertEquals(1_005_000L, found.get(tp).timestamp());
            assertEquals(null, consumer.offsetsForTimes(Map.of(tp, 2_000_000L)).get(tp));
            assertEquals(10L, consumer.endOffsets(List.of(tp)).get(tp));
            assertEquals(0L, consumer.beginningOffsets(List.of(tp)).get(tp));
        }
    }
}
