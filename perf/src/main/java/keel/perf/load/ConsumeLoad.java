package keel.perf.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import keel.perf.stats.LatencySummary;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic with consumers in parallel, each on its own thread: without a group each is assigned a share of the
 * partitions (round robin) and reads from the beginning; with a group they subscribe. Stops at the record count, the
 * duration, or, when neither is given, at the end offsets seen at the start. Confined to the calling thread plus the
 * consumer threads it starts.
 */
public final class ConsumeLoad {

    /** A consumer that sees no record for this long stops, so a short topic cannot hang the run. */
    static final long IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long SETUP_TIMEOUT_SEC = 60;

    private ConsumeLoad() {
    }

    /**
     * @param spec     the workload
     * @param progress live counters for a progress printer
     * @return records and bytes read per second (no latency)
     * @throws LoadException when the topic does not exist or a consumer fails
     */
    public static LoadResult run(final ConsumeSpec spec, final LoadProgress progress) throws InterruptedException {
        final List<TopicPartition> partitions = new ArrayList<>();
        final long available;
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(consumerProperties(spec, null))) {
            final List<PartitionInfo> infos;
            try {
                infos = probe.partitionsFor(spec.topic());
            } catch (final org.apache.kafka.common.errors.TimeoutException e) {
                throw new LoadException("server did not answer: bootstrap=" + spec.bootstrap() + " topic="
                    + spec.topic() + " cause=" + e.getMessage(), e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new LoadException("topic not found: topic=" + spec.topic() + " bootstrap=" + spec.bootstrap());
            }
            for (final PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            final Map<TopicPartition, Long> begin = probe.beginningOffsets(partitions);
            final Map<TopicPartition, Long> end = probe.endOffsets(partitions);
            long sum = 0;
            for (final TopicPartition partition : partitions) {
                sum += end.get(partition) - begin.get(partition);
            }
            available = sum;
        }
        final long target = spec.records() > 0 ? spec.records() : (spec.durationNs() > 0 ? Long.MAX_VALUE : available);
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch ready = new CountDownLatch(spec.consumers());
        final CountDownLatch go = new CountDownLatch(1);
        final long[] startNs = new long[1];
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < spec.consumers(); i++) {
            final List<TopicPartition> share = new ArrayList<>();
            for (int p = i; p < partitions.size(); p += spec.consumers()) {
                share.add(partitions.get(p));
            }
            final Runnable worker = () -> consume(spec, share, target, consumed, bytes, progress, ready, go,
                failure, startNs);
            final Thread thread = new Thread(worker, "keel-perf-consumer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        try {
            if (!ready.await(SETUP_TIMEOUT_SEC, TimeUnit.SECONDS)) {
                throw new LoadException("consumers not ready after " + SETUP_TIMEOUT_SEC + " s: topic="
                    + spec.topic());
            }
            startNs[0] = System.nanoTime();
            progress.start();
            go.countDown();
            for (final Thread thread : threads) {
                thread.join();
            }
        } finally {
            go.countDown();
            for (final Thread thread : threads) {
                thread.interrupt();
            }
        }
        final long elapsedNs = System.nanoTime() - startNs[0];
        if (failure.get() != null) {
            throw new LoadException("consumer failed: topic=" + spec.topic() + " cause=" + failure.get(),
                failure.get());
        }
        return new LoadResult(consumed.get(), bytes.get(), 0, elapsedNs, LatencySummary.EMPTY);
    }

    static Properties consumerProperties(final ConsumeSpec spec, final String group) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group == null ? "false" : "true");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.putAll(spec.properties());
        return props;
    }

    private static void consume(final ConsumeSpec spec, final List<TopicPartition> share, final long target,
                                final AtomicLong consumed, final AtomicLong bytes, final LoadProgress progress,
                                final CountDownLatch ready, final CountDownLatch go,
                                final AtomicReference<Throwable> failure, final long[] startNs) {
        if (spec.group() == null && share.isEmpty()) {
            ready.countDown();
            return;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(spec, spec.group()))) {
            Map<TopicPartition, Long> ends = Map.of();
            if (spec.group() == null) {
                consumer.assign(share);
                consumer.seekToBeginning(share);
                for (final TopicPartition partition : share) {
                    consumer.position(partition, Duration.ofSeconds(30));
                }
                ends = consumer.endOffsets(share, Duration.ofSeconds(30));
            } else {
                consumer.subscribe(List.of(spec.topic()));
            }
            ready.countDown();
            go.await();
            final long deadline = spec.durationNs() == 0 ? Long.MAX_VALUE : startNs[0] + spec.durationNs();
            long lastRecordNs = System.nanoTime();
            while (consumed.get() < target && System.nanoTime() - deadline < 0
                && System.nanoTime() - lastRecordNs < IDLE_TIMEOUT_NS && !Thread.currentThread().isInterrupted()) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    if (spec.records() == 0 && spec.durationNs() == 0 && !ends.isEmpty() && atEnd(consumer, ends)) {
                        break;
                    }
                    continue;
                }
                long batchBytes = 0;
                for (final ConsumerRecord<byte[], byte[]> record : records) {
                    batchBytes += record.value() == null ? 0 : record.value().length;
                }
                consumed.addAndGet(records.count());
                bytes.addAndGet(batchBytes);
                progress.add(records.count(), batchBytes);
                lastRecordNs = System.nanoTime();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            failure.compareAndSet(null, e);
            ready.countDown();
        }
    }

    private static boolean atEnd(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> ends) {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
