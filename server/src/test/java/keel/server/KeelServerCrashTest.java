package keel.server;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process-level crash: a broker in a child JVM is killed with SIGKILL while a producer appends; a new broker on the
 * same data directory recovers, and a consumer reads every acknowledged record, in order, and nothing else.
 */
@Timeout(180)
class KeelServerCrashTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeEveryAcknowledgedRecordWhenRestartedAfterSigkill() throws Exception {
        final Path dataDir = dir.resolve("data");
        final int port = freePort();
        final Path config = dir.resolve("server.properties");
        Files.writeString(config, "listeners=PLAINTEXT://127.0.0.1:" + port + "\nlog.dirs=" + dataDir + "\n"
            + "log.segment.bytes=1048576\nnum.io.threads=2\nnum.network.threads=2\n");
        final BrokerProcess child = BrokerProcess.start(config, dir.resolve("child.log"), List.of("-Xmx256m"));
        final Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
        try {
            await(() -> canConnect(port), 60_000, () -> "child broker never listened on " + port);
            final Properties props = new Properties();
            props.put("bootstrap.servers", "127.0.0.1:" + port);
            props.put("key.serializer", ByteArraySerializer.class.getName());
            props.put("value.serializer", ByteArraySerializer.class.getName());
            props.put("linger.ms", "1");
            props.put("delivery.timeout.ms", "5000");
            props.put("buffer.memory", "262144");
            props.put("request.timeout.ms", "2000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                int sent = 0;
                while (acknowledged.size() < 3000 && sent < 1_000_000) {
                    final int value = sent++;
                    producer.send(new ProducerRecord<>("crash", 0, null, ("r" + value).getBytes(StandardCharsets.UTF_8)),
                        (metadata, error) -> {
                            if (error == null) {
                                acknowledged.add(value);
                            }
                        });
                }
                // SIGKILL while the producer still has batches in flight
                child.sigkill();
                producer.close(Duration.ZERO);
            }
        } finally {
            child.close();
        }
        final Set<Integer> acked = new TreeSet<>(acknowledged);
        assertTrue(acked.size() >= 3000, "acknowledged " + acked.size());

        try (TestBroker broker = new TestBroker(dataDir, Map.of()).start()) {
            final List<ConsumerRecord<byte[], byte[]>> records = readToEnd(broker);
            final Set<Integer> read = new TreeSet<>();
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, records.get(i).offset());
                final int value = Integer.parseInt(new String(records.get(i).value(), StandardCharsets.UTF_8)
                    .substring(1));
                assertEquals(i, value, "records out of order or duplicated at offset " + i);
                read.add(value);
            }
            assertTrue(read.containsAll(acked), "lost acknowledged records: acknowledged " + acked.size()
                + ", read " + read.size());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(final TestBroker broker) {
        final Properties props = broker.clientProps();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            final TopicPartition tp = new TopicPartition("crash", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertEquals(end, records.size());
            return records;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean canConnect(final int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (final IOException ex) {
            return false;
        }
    }
}
