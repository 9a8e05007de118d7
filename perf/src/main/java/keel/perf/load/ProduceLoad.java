package keel.perf.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import keel.perf.stats.LatencySummary;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records with one KafkaProducer per thread and measures throughput and the latency from {@code send} to its
 * acknowledgement callback. Each run is confined to the calling thread plus the producer threads it starts.
 */
public final class ProduceLoad {

    private static final long SETUP_TIMEOUT_SEC = 60;

    private ProduceLoad() {
    }

    /**
     * @param spec     the workload
     * @param progress live counters for a progress printer
     * @return records, bytes and send-to-ack latency of acknowledged records
     * @throws LoadException when the topic cannot be created, a producer cannot start, or every send failed
     */
    public static LoadResult run(final ProduceSpec spec, final LoadProgress progress) throws InterruptedException {
        // the server's default.replication.factor: 1 on a single node, the cluster's choice on a cluster
        TopicAdmin.ensureTopic(spec.bootstrap(), spec.topic(), spec.partitions(), (short) -1);
        final byte[] value = Payloads.value(spec.recordSizeBytes());
        final List<Worker> workers = new ArrayList<>();
        final CountDownLatch ready = new CountDownLatch(spec.producers());
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] startNs = new long[1];
        for (int i = 0; i < spec.producers(); i++) {
            final long quota = spec.records() == 0 ? Long.MAX_VALUE
                : spec.records() / spec.producers() + (i < spec.records() % spec.producers() ? 1 : 0);
            workers.add(new Worker(spec, value, quota, progress, ready, go, failure, startNs));
        }
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            final Thread thread = new Thread(workers.get(i), "keel-perf-producer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        try {
            if (!ready.await(SETUP_TIMEOUT_SEC, TimeUnit.SECONDS)) {
                throw new LoadException("producers not ready after " + SETUP_TIMEOUT_SEC + " s: bootstrap="
                    + spec.bootstrap() + " topic=" + spec.topic());
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
        if (failure.get() != null) {
            throw new LoadException("producer failed: bootstrap=" + spec.bootstrap() + " topic=" + spec.topic()
                + " cause=" + failure.get(), failure.get());
        }
        final Histogram merged = LatencySummary.newHistogram();
        long records = 0;
        long errors = 0;
        long endNs = startNs[0];
        for (final Worker worker : workers) {
            merged.add(worker.histogram);
            records += worker.acked.sum();
            errors += worker.errors.sum();
            endNs = Math.max(endNs, worker.endNs);
        }
        if (records == 0 && errors > 0) {
            throw new LoadException("every send failed: errors=" + errors + " bootstrap=" + spec.bootstrap()
                + " topic=" + spec.topic() + " first=" + firstError(workers));
        }
        return new LoadResult(records, records * spec.recordSizeBytes(), errors, endNs - startNs[0],
            LatencySummary.of(merged));
    }

    static Properties producerProperties(final ProduceSpec spec) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, spec.acks());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(spec.batchSizeBytes()));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(spec.lingerMs()));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, spec.compression());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if ("0".equals(spec.acks()) || "1".equals(spec.acks())) {
            // Idempotence requires acks=all; the Kafka default would reject acks=0 or 1 with it on.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        }
        props.putAll(spec.properties());
        return props;
    }

    private static String firstError(final List<Worker> workers) {
        for (final Worker worker : workers) {
            if (worker.firstError.get() != null) {
                return String.valueOf(worker.firstError.get());
            }
        }
        return "none";
    }

    /** One producer thread; the histogram is written only by its producer's I/O thread (the ack callbacks). */
    private static final class Worker implements Runnable {
        private final ProduceSpec spec;
        private final byte[] value;
        private final long quota;
        private final LoadProgress progress;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final AtomicReference<Throwable> failure;
        private final long[] startNs;
        private final Histogram histogram = LatencySummary.newHistogram();
        private final LongAdder acked = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final AtomicReference<Exception> firstError = new AtomicReference<>();
        private long endNs;

        Worker(final ProduceSpec spec, final byte[] value, final long quota, final LoadProgress progress,
               final CountDownLatch ready, final CountDownLatch go, final AtomicReference<Throwable> failure,
               final long[] startNs) {
            this.spec = spec;
            this.value = value;
            this.quota = quota;
            this.progress = progress;
            this.ready = ready;
            this.go = go;
            this.failure = failure;
            this.startNs = startNs;
        }

        @Override
        public void run() {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(spec))) {
                producer.partitionsFor(spec.topic());
                ready.countDown();
                go.await();
                final long start = startNs[0];
                final long deadline = spec.durationNs() == 0 ? Long.MAX_VALUE : start + spec.durationNs();
                final Pacer pacer = new Pacer(spec.ratePerSec() / spec.producers(), start);
                final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(spec.topic(), value);
                long sent = 0;
                while (sent < quota && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
                    pacer.awaitNext();
                    producer.send(record, new Ack(this, System.nanoTime()));
                    sent++;
                }
                producer.flush();
                endNs = System.nanoTime();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (final RuntimeException e) {
                failure.compareAndSet(null, e);
                ready.countDown();
            }
        }

        void onAck(final long sentNs, final Exception exception) {
            if (exception != null) {
                errors.increment();
                firstError.compareAndSet(null, exception);
                return;
            }
            final long micros = (System.nanoTime() - sentNs) / 1000;
            histogram.recordValue(Math.min(micros, LatencySummary.HIGHEST_TRACKABLE_MICROS));
            acked.increment();
            progress.add(1, value.length);
        }
    }

    private static final class Ack implements Callback {
        private final Worker worker;
        private final long sentNs;

        Ack(final Worker worker, final long sentNs) {
            this.worker = worker;
            this.sentNs = sentNs;
        }

        @Override
        public void onCompletion(final RecordMetadata metadata, final Exception exception) {
            worker.onAck(sentNs, exception);
        }
    }
}
