package keel.server.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer thread for the failover tests: it sends numbered records round robin over a topic's partitions (key
 * {@code "<partition>:<seq>"}, value {@code "<seq>"}, seq counting from 0 per partition), paced to a fixed rate so
 * that logs stay small, with a bound on records in flight, and records every acknowledgement (seq to offset) and
 * every failure. Thread-safe: one sending thread, callbacks on the producer's I/O thread, readers anywhere.
 */
final class NumberedProducer implements AutoCloseable {
    private final String topic;
    private final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<NavigableMap<Long, Long>> acknowledged = new ArrayList<>();
    private final long[] nextSeq;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Semaphore inFlight = new Semaphore(500);
    private final long pauseNs;
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param bootstrap     bootstrap.servers.
     * @param topic         the topic.
     * @param partitions    its partitions.
     * @param ratePerSecond records per second (pacing).
     * @param extra         producer configuration on top of acks=all with idempotence.
     */
    NumberedProducer(final String bootstrap, final String topic, final int partitions, final int ratePerSecond,
                     final Map<String, String> extra) {
        this.topic = topic;
        this.partitions = partitions;
        this.nextSeq = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            acknowledged.add(new ConcurrentSkipListMap<>());
        }
        this.pauseNs = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("max.in.flight.requests.per.connection", "5");
        props.put("linger.ms", "5");
        props.put("delivery.timeout.ms", "120000");
        props.put("request.timeout.ms", "10000");
        props.put("retry.backoff.ms", "50");
        props.put("retry.backoff.max.ms", "500");
        props.put("reconnect.backoff.max.ms", "500");
        props.put("metadata.max.age.ms", "5000");
        props.putAll(extra);
        this.producer = new KafkaProducer<>(props);
        this.thread = new Thread(this::run, "numbered-producer-" + topic);
        this.thread.setDaemon(true);
    }

    NumberedProducer start() {
        thread.start();
        return this;
    }

    private void run() {
        long sent = 0;
        while (!stopping) {
            final int partition = (int) (sent++ % partitions);
            final long seq = nextSeq[partition]++;
            try {
                // bounded in flight: a partition without a leader must not queue records without end
                while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (stopping) {
                        return;
                    }
                }
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            final NavigableMap<Long, Long> acks = acknowledged.get(partition);
            try {
                producer.send(new ProducerRecord<>(topic, partition, (partition + ":" + seq)
                    .getBytes(StandardCharsets.UTF_8), Long.toString(seq).getBytes(StandardCharsets.UTF_8)),
                    (metadata, error) -> {
                        inFlight.release();
                        if (error == null) {
                            acks.put(seq, metadata.offset());
                        } else {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, error);
                        }
                    });
            } catch (final RuntimeException ex) {
                inFlight.release();
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, ex);
                if (stopping) {
                    return;
                }
            }
            // pacing to the configured rate (not a wait for a condition)
            LockSupport.parkNanos(pauseNs);
        }
    }

    /** @return acknowledged records of the partition: seq to offset. */
    NavigableMap<Long, Long> acknowledged(final int partition) {
        return acknowledged.get(partition);
    }

    long acknowledgedCount(final int partition) {
        return acknowledged.get(partition).size();
    }

    long acknowledgedCount() {
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            total += acknowledgedCount(p);
        }
        return total;
    }

    long failedCount() {
        return failed.get();
    }

    Exception firstFailure() {
        return firstFailure.get();
    }

    /** @return the producer's metric with this name in group producer-metrics, or NaN. */
    double metric(final String name) {
        return producer.metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
            .map(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(Double.NaN);
    }

    /**
     * Stops sending and waits (bounded) for the records in flight to be answered.
     */
    void stopAndFlush() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
    }

    String describe() {
        final StringBuilder text = new StringBuilder("acknowledged per partition [");
        for (int p = 0; p < partitions; p++) {
            text.append(p == 0 ? "" : ", ").append(acknowledgedCount(p)).append('/').append(nextSeq[p]);
        }
        return text.append("], failed ").append(failed.get()).append(", first failure ").append(firstFailure.get())
            .toString();
    }

    @Override
    public void close() {
        stopping = true;
        producer.close(Duration.ofSeconds(10));
    }
}
