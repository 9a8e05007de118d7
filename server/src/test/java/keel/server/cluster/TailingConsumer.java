package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the numbered records of {@link NumberedProducer} from a topic's partitions, from the beginning, while the
 * test kills brokers: it records every record it saw (offset to seq) and every anomaly (an offset not above the
 * previous one of its partition, a consumer exception). No group: partitions are assigned, nothing is committed.
 * Thread-safe: one polling thread, readers anywhere.
 */
final class TailingConsumer implements AutoCloseable {
    private final List<NavigableMap<Long, Long>> seen = new ArrayList<>();
    private final List<String> anomalies = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> assignment = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    TailingConsumer(final String bootstrap, final String topic, final int partitions) {
        for (int p = 0; p < partitions; p++) {
            seen.add(new ConcurrentSkipListMap<>());
            assignment.add(new TopicPartition(topic, p));
        }
        this.consumer = new KafkaConsumer<>(props(bootstrap));
        this.thread = new Thread(this::run, "tailing-consumer-" + topic);
        this.thread.setDaemon(true);
    }

    static Properties props(final String bootstrap) {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        // a committed record is on every new leader: a position past a leader's log end is a bug, not something
        // to reset silently
        props.put("auto.offset.reset", "none");
        props.put("fetch.max.wait.ms", "200");
        props.put("request.timeout.ms", "10000");
        props.put("default.api.timeout.ms", "20000");
        props.put("metadata.max.age.ms", "5000");
        props.put("reconnect.backoff.max.ms", "500");
        props.put("retry.backoff.max.ms", "500");
        return props;
    }

    TailingConsumer start() {
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
        thread.start();
        return this;
    }

    private void run() {
        final long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(6);
        while (!stopping && System.nanoTime() < deadline) {
            try {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final NavigableMap<Long, Long> partition = seen.get(record.partition());
                    final Map.Entry<Long, Long> last = partition.lastEntry();
                    if (last != null && record.offset() <= last.getKey()) {
                        anomalies.add("partition " + record.partition() + ": offset " + record.offset()
                            + " after offset " + last.getKey());
                    }
                    partition.put(record.offset(), Long.parseLong(new String(record.value(),
                        StandardCharsets.UTF_8)));
                }
            } catch (final WakeupException ex) {
                return;
            } catch (final RuntimeException ex) {
                anomalies.add("poll failed: " + ex);
                if (anomalies.size() > 100) {
                    return;
                }
                // a bad position: continue after what was seen, so that one error does not hide the rest
                for (int p = 0; p < assignment.size(); p++) {
                    final Map.Entry<Long, Long> last = seen.get(p).lastEntry();
                    consumer.seek(assignment.get(p), last == null ? 0 : last.getKey() + 1);
                }
            }
        }
    }

    /** @return the records seen of a partition: offset to seq. */
    NavigableMap<Long, Long> seen(final int partition) {
        return seen.get(partition);
    }

    /** @return the next offset after the last one seen of a partition. */
    long nextOffset(final int partition) {
        final Map.Entry<Long, Long> last = seen.get(partition).lastEntry();
        return last == null ? 0 : last.getKey() + 1;
    }

    List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    long seenCount() {
        return seen.stream().mapToLong(Map::size).sum();
    }

    /** Stops polling and closes the consumer. Idempotent. */
    @Override
    public void close() {
        if (!stopping) {
            stopping = true;
            consumer.wakeup();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Reads a partition from its log start to its end offset (the high watermark) with a new consumer.
     *
     * @return offset to seq.
     */
    static NavigableMap<Long, Long> readAll(final String bootstrap, final String topic, final int partition,
                                            final long timeoutMs) {
        return readAll(bootstrap, topic, partition, 0, timeoutMs);
    }

    /**
     * Reads a partition from its start to its end offset, once that end (the leader's high watermark) is at least
     * {@code minEnd}: a leader elected a moment ago may still have its high watermark behind until its followers
     * fetch again.
     */
    static NavigableMap<Long, Long> readAll(final String bootstrap, final String topic, final int partition,
                                            final long minEnd, final long timeoutMs) {
        final NavigableMap<Long, Long> records = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props(bootstrap))) {
            final TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (end < minEnd && System.nanoTime() - deadline < 0) {
                // bounded by the deadline; each call is a round trip to the leader
                end = consumer.endOffsets(List.of(tp)).get(tp);
            }
            while (consumer.position(tp) < end) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(topic + "-" + partition + ": read to " + consumer.position(tp)
                        + " of end offset " + end + " in " + timeoutMs + " ms");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.put(record.offset(), Long.parseLong(new String(record.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return records;
    }
}
