package keel.perf.load;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import keel.perf.stats.FailoverGap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces with acks=all at a fixed rate to one partition, kills that partition's leader in the middle, and records
 * every record's send and ack times, from which {@link FailoverGap} computes how long produce stopped succeeding.
 * One producer thread (sends, paced) plus the calling thread (waits, kills, watches for recovery).
 */
public final class FailoverLoad {

    /** At most this many records per run, so the timestamps fit in memory (2 x 8 bytes each). */
    static final int MAX_RECORDS = 20_000_000;
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A failover workload. Immutable, thread-safe.
     *
     * @param bootstrap       bootstrap.servers
     * @param topic           an existing topic (replicated; the caller creates it)
     * @param partition       the partition produced to, whose leader is killed
     * @param recordSizeBytes value size
     * @param ratePerSec      records per second
     * @param beforeKillNs    produce time before the kill
     * @param afterRecoveryNs produce time after the first ack of a record sent after the kill
     * @param maxWaitNs       the longest wait for that ack
     * @param properties      further producer properties, applied last
     */
    public record Spec(String bootstrap, String topic, int partition, int recordSizeBytes, double ratePerSec,
                       long beforeKillNs, long afterRecoveryNs, long maxWaitNs, Map<String, String> properties) {
    }

    /** Kills the leader; runs on the calling thread at the kill time. */
    @FunctionalInterface
    public interface Killer {
        /**
         * @return what was killed, for the report (e.g. "kafka-2 pid 1234")
         */
        String kill() throws Exception;
    }

    /**
     * What one failover run measured.
     *
     * @param gap    the figures
     * @param killed what the killer killed
     * @param sent   records sent
     */
    public record Result(FailoverGap gap, String killed, long sent) {
    }

    private FailoverLoad() {
    }

    /**
     * @param spec     the workload
     * @param killer   kills the partition's leader
     * @param progress live counters for a progress printer
     * @return the failover figures
     * @throws LoadException when the producer cannot start or fails
     */
    public static Result run(final Spec spec, final Killer killer, final LoadProgress progress) throws Exception {
        final long plannedNs = spec.beforeKillNs() + spec.maxWaitNs() + spec.afterRecoveryNs();
        final int capacity = (int) Math.min(MAX_RECORDS, (long) (spec.ratePerSec() * plannedNs / 1e9) + 1024);
        final long[] sendNs = new long[capacity];
        final AtomicLongArray ackNs = new AtomicLongArray(capacity);
        final AtomicInteger sent = new AtomicInteger();
        final AtomicLong killNs = new AtomicLong(Long.MAX_VALUE);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final byte[] value = Payloads.value(spec.recordSizeBytes());
        final AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(spec))) {
            producer.partitionsFor(spec.topic());
            final long start = System.nanoTime();
            progress.start();
            final Thread sender = new Thread(() -> {
                final Pacer pacer = new Pacer(spec.ratePerSec(), start);
                final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(spec.topic(), spec.partition(),
                    null, value);
                try {
                    for (int i = 0; i < capacity && System.nanoTime() - stopAt.get() < 0
                        && !Thread.currentThread().isInterrupted(); i++) {
                        pacer.awaitNext();
                        final int index = i;
                        // Times count from the start (ack times from 1), so 0 and -1 stay free as markers.
                        sendNs[index] = System.nanoTime() - start;
                        sent.set(index + 1);
                        producer.send(record, (metadata, exception) -> {
                            ackNs.set(index, exception != null ? FailoverGap.FAILED
                                : Math.max(1, System.nanoTime() - start));
                            if (exception == null) {
                                progress.add(1, value.length);
                            }
                        });
                    }
                } catch (final RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "keel-perf-failover-producer");
            sender.setDaemon(true);
            sender.start();
            parkUntil(start + spec.beforeKillNs(), failure);
            killNs.set(System.nanoTime() - start);
            final String killed = killer.kill();
            final long recovered = awaitRecovery(sendNs, ackNs, sent, killNs.get(), start + killNs.get()
                + spec.maxWaitNs(), failure);
            parkUntil((recovered < 0 ? System.nanoTime() : start + recovered) + spec.afterRecoveryNs(), failure);
            stopAt.set(System.nanoTime());
            sender.join(TimeUnit.SECONDS.toMillis(10));
            producer.flush();
            if (failure.get() != null) {
                throw new LoadException("failover producer failed: bootstrap=" + spec.bootstrap() + " topic="
                    + spec.topic() + " cause=" + failure.get(), failure.get());
            }
            producer.close(CLOSE_TIMEOUT);
            final int count = sent.get();
            final long[] acks = new long[count];
            for (int i = 0; i < count; i++) {
                acks[i] = ackNs.get(i);
            }
            return new Result(FailoverGap.of(sendNs, acks, count, killNs.get()), killed, count);
        }
    }

    /**
     * @param killNs     the kill time, relative to the start like the record times
     * @param deadlineNs the nanoTime at which to give up
     * @return the ack time (relative) of the first acknowledged record sent after the kill, or -1 at the deadline
     */
    private static long awaitRecovery(final long[] sendNs, final AtomicLongArray ackNs, final AtomicInteger sent,
                                      final long killNs, final long deadlineNs,
                                      final AtomicReference<Throwable> failure) throws InterruptedException {
        int firstAfterKill = 0;
        while (System.nanoTime() - deadlineNs < 0 && failure.get() == null) {
            final int count = sent.get();
            while (firstAfterKill < count && sendNs[firstAfterKill] < killNs) {
                firstAfterKill++;
            }
            for (int i = firstAfterKill; i < count; i++) {
                final long ack = ackNs.get(i);
                if (ack > 0) {
                    return ack;
                }
            }
            TimeUnit.NANOSECONDS.sleep(POLL_NS);
        }
        return -1;
    }

    private static void parkUntil(final long deadlineNs, final AtomicReference<Throwable> failure)
        throws InterruptedException {
        while (System.nanoTime() - deadlineNs < 0 && failure.get() == null) {
            TimeUnit.NANOSECONDS.sleep(Math.min(POLL_NS, Math.max(0, deadlineNs - System.nanoTime())));
        }
    }

    static Properties producerProperties(final Spec spec) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
        // Long enough that no record expires while a leader is elected, so every record is acknowledged or the run
        // reports the failures; the default request timeout (30 s) would mask a shorter failover behind a retry.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(120_000,
            TimeUnit.NANOSECONDS.toMillis(spec.maxWaitNs()) + 30_000)));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(spec.properties());
        return props;
    }
}
