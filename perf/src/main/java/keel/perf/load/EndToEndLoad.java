package keel.perf.load;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import keel.perf.stats.LatencySummary;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency: one producer sends at a fixed rate, one consumer in the same JVM reads the topic from its end,
 * and every record's latency is the time from its scheduled send (a {@link System#nanoTime()} stamp in the first 8
 * bytes of the value) to the poll that returned it. Using the scheduled time, not the moment {@code send} ran, keeps
 * a stalled producer from hiding the delay (coordinated omission). Records scheduled during the warm-up are read
 * but not recorded. Confined to the calling thread plus one consumer thread.
 */
public final class EndToEndLoad {

    /** A value must hold the 8-byte send stamp. */
    public static final int MIN_RECORD_SIZE_BYTES = Long.BYTES;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

    private EndToEndLoad() {
    }

    /**
     * @param spec     the workload; {@code ratePerSec} should be set (an unlimited rate measures only queueing)
     * @param warmupNs records scheduled in the first warmupNs are not recorded
     * @param progress live counters for a progress printer
     * @return records received, their bytes, and the send-to-receive latency of the recorded ones
     */
    public static LoadResult run(final ProduceSpec spec, final long warmupNs, final LoadProgress progress)
        throws InterruptedException {
        if (spec.recordSizeBytes() < MIN_RECORD_SIZE_BYTES) {
            throw new IllegalArgumentException("e2e needs records of at least " + MIN_RECORD_SIZE_BYTES
                + " bytes: recordSizeBytes=" + spec.recordSizeBytes());
        }
        // the server's default.replication.factor: 1 on a single node, the cluster's choice on a cluster
        TopicAdmin.ensureTopic(spec.bootstrap(), spec.topic(), spec.partitions(), (short) -1);
        final ConsumeSpec consumeSpec = new ConsumeSpec(spec.bootstrap(), spec.topic(), 0, 0, 1, null, Map.of());
        final Histogram histogram = LatencySummary.newHistogram();
        final AtomicLong received = new AtomicLong();
        final AtomicLong sentAcked = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] warmupEndNs = {Long.MAX_VALUE};
        final long[] producerDoneNs = {0};
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(ConsumeLoad.consumerProperties(consumeSpec, null));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProduceLoad.producerProperties(spec))) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(spec.topic(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (final TopicPartition partition : partitions) {
                consumer.position(partition, Duration.ofSeconds(30));
            }
            producer.partitionsFor(spec.topic());
            final Thread reader = new Thread(() -> {
                try {
                    read(consumer, histogram, received, sentAcked, errors, warmupEndNs, producerDoneNs, progress);
                } catch (final RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "keel-perf-e2e-consumer");
            reader.setDaemon(true);
            final long startNs = System.nanoTime();
            warmupEndNs[0] = startNs + warmupNs;
            progress.start();
            reader.start();
            try {
                send(spec, producer, startNs, warmupNs, sentAcked, errors);
            } finally {
                synchronized (producerDoneNs) {
                    producerDoneNs[0] = System.nanoTime();
                }
                reader.join(TimeUnit.NANOSECONDS.toMillis(ConsumeLoad.IDLE_TIMEOUT_NS) * 3);
                reader.interrupt();
                reader.join();
            }
            if (failure.get() != null) {
                throw new LoadException("e2e consumer failed: topic=" + spec.topic() + " cause=" + failure.get(),
                    failure.get());
            }
            final long doneNs;
            synchronized (producerDoneNs) {
                doneNs = producerDoneNs[0];
            }
            final long elapsedNs = doneNs - startNs - warmupNs;
            final long recorded = histogram.getTotalCount();
            return new LoadResult(recorded, recorded * spec.recordSizeBytes(), errors.get(), Math.max(1, elapsedNs),
                LatencySummary.of(histogram));
        }
    }

    private static void send(final ProduceSpec spec, final KafkaProducer<byte[], byte[]> producer,
                             final long startNs, final long warmupNs, final AtomicLong sentAcked,
                             final AtomicLong errors) {
        final long total = spec.records() == 0 ? Long.MAX_VALUE : spec.records();
        final long deadline = spec.durationNs() == 0 ? Long.MAX_VALUE : startNs + warmupNs + spec.durationNs();
        final Pacer pacer = new Pacer(spec.ratePerSec(), startNs);
        long sent = 0;
        while (sent < total && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            final long dueNs = pacer.awaitNext();
            final byte[] value = new byte[spec.recordSizeBytes()];
            ByteBuffer.wrap(value).putLong(0, dueNs);
            producer.send(new ProducerRecord<>(spec.topic(), value), (metadata, exception) -> {
                if (exception == null) {
                    sentAcked.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            });
            sent++;
        }
        producer.flush();
    }

    private static void read(final KafkaConsumer<byte[], byte[]> consumer, final Histogram histogram,
                             final AtomicLong received, final AtomicLong sentAcked, final AtomicLong errors,
                             final long[] warmupEndNs, final long[] producerDoneNs, final LoadProgress progress) {
        long lastRecordNs = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
            final long nowNs = System.nanoTime();
            long bytes = 0;
            for (final ConsumerRecord<byte[], byte[]> record : records) {
                final long dueNs = ByteBuffer.wrap(record.value()).getLong(0);
                if (dueNs - warmupEndNs[0] >= 0) {
                    final long micros = Math.max(0, (nowNs - dueNs) / 1000);
                    histogram.recordValue(Math.min(micros, LatencySummary.HIGHEST_TRACKABLE_MICROS));
                }
                bytes += record.value().length;
            }
            if (!records.isEmpty()) {
                received.addAndGet(records.count());
                progress.add(records.count(), bytes);
                lastRecordNs = nowNs;
            }
            final boolean producerDone;
            synchronized (producerDoneNs) {
                producerDone = producerDoneNs[0] != 0;
            }
            final boolean drained = received.get() >= sentAcked.get();
            if (producerDone && (drained || nowNs - lastRecordNs > ConsumeLoad.IDLE_TIMEOUT_NS)) {
                return;
            }
        }
    }
}
