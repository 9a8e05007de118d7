package keel.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import keel.server.KeelConfig;
import keel.server.KeelServer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer group benchmark (a main, not JMH: a rebalance is a multi-second, multi-client event): an in-process
 * {@link KeelServer} on 127.0.0.1 and kafka-clients 4.4 consumers in the same JVM.
 *
 * <ul>
 *   <li><b>rebalance</b>: N-1 consumers (range assignor, eager) are stable on a 100-partition topic; one more joins.
 *       Measured from its {@code subscribe} to the moment every one of the N members owns its new, disjoint share of
 *       the partitions (polled every 10 ms). The new member then closes and the group settles before the next round.
 *       Existing members learn of a rebalance from their next heartbeat, so {@code heartbeat.interval.ms} (set to
 *       100 ms here; Kafka's default is 3000) bounds the figure from below.</li>
 *   <li><b>commit</b>: synchronous OffsetCommits of one partition by one consumer, and by four consumers in four
 *       groups at once (commits per second, all threads together).</li>
 * </ul>
 *
 * <p>Run: {@code mvn -q -B -pl perf -am package -DskipTests && java --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-opens
 * java.base/java.nio=ALL-UNNAMED -Xmx1g -cp perf/target/classes:$(cat perf/target/keel-perf.classpath)
 * keel.perf.GroupBenchmark [rounds]} (the root pom's {@code keel.jvm.flags}). Prints every round and the medians.
 * Confined to its main thread (plus one thread per consumer).
 */
public final class GroupBenchmark {
    private static final String TOPIC = "bench";
    private static final int PARTITIONS = 100;

    private GroupBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final Path dir = Files.createTempDirectory("keel-group-bench");
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("log.dirs", dir.toString());
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("offsets.topic.num.partitions", "10");
        props.put("log.segment.bytes", Integer.toString(1 << 20)); // 100 partitions, preallocated segments
        try (KeelServer server = KeelServer.start(KeelConfig.fromMap(props))) {
            server.topics().createTopic(TOPIC, PARTITIONS, 1, Map.of(), false);
            final String bootstrap = "127.0.0.1:" + server.boundPort();
            for (final int members : new int[] {10, 100}) {
                final List<Long> ms = rebalance(bootstrap, members, rounds);
                System.out.printf("rebalance %d members: rounds %s ms, median %d ms%n", members, ms, median(ms));
            }
            for (final int threads : new int[] {1, 4}) {
                final List<Long> rates = commits(bootstrap, threads, rounds);
                System.out.printf("commit %d consumer(s): rounds %s commits/s, median %d commits/s%n", threads, rates,
                    median(rates));
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static List<Long> rebalance(final String bootstrap, final int members, final int rounds)
        throws Exception {
        final String group = "rebalance-" + members;
        final List<Member> group1 = new ArrayList<>();
        final List<Long> results = new ArrayList<>();
        try {
            for (int i = 0; i < members - 1; i++) {
                group1.add(new Member(bootstrap, group));
            }
            awaitSettled(group1, 300_000);
            for (int round = 0; round < rounds; round++) {
                final long start = System.nanoTime();
                final Member joining = new Member(bootstrap, group);
                final List<Member> all = new ArrayList<>(group1);
                all.add(joining);
                awaitSettled(all, 300_000);
                results.add((System.nanoTime() - start) / 1_000_000L);
                joining.close();
                awaitSettled(group1, 300_000);
            }
        } finally {
            for (final Member member : group1) {
                member.close();
            }
        }
        return results;
    }

    /** Every member owns at least one partition (N <= 100), no partition twice, every partition once. */
    private static void awaitSettled(final List<Member> members, final long timeoutMs) {
        await(() -> {
            final Set<Integer> seen = new HashSet<>();
            int total = 0;
            for (final Member member : members) {
                final Set<Integer> owned = member.assignment;
                if (owned.isEmpty()) {
                    return false;
                }
                seen.addAll(owned);
                total += owned.size();
            }
            return total == PARTITIONS && seen.size() == PARTITIONS;
        }, timeoutMs);
    }

    private static List<Long> commits(final String bootstrap, final int threads, final int rounds)
        throws Exception {
        final List<Long> rates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            final AtomicLong count = new AtomicLong();
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> workers = new ArrayList<>();
            final int roundNo = round;
            for (int t = 0; t < threads; t++) {
                final String group = "commit-" + threads + "-" + roundNo + "-" + t;
                final Thread worker = new Thread(() -> {
                    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap,
                        group))) {
                        final TopicPartition tp = new TopicPartition(TOPIC, 0);
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0))); // warm: coordinator found
                        for (long offset = 1; !stop.get(); offset++) {
                            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
                            count.incrementAndGet();
                        }
                    }
                }, "committer-" + t);
                workers.add(worker);
                worker.start();
            }
            await(() -> count.get() > 0, 60_000);
            final long startCount = count.get();
            final long start = System.nanoTime();
            Thread.sleep(3_000); // a measurement window, not a wait for a condition
            final long done = count.get() - startCount;
            final long elapsedNs = System.nanoTime() - start;
            stop.set(true);
            for (final Thread worker : workers) {
                worker.join(60_000);
            }
            rates.add(done * 1_000_000_000L / elapsedNs);
        }
        return rates;
    }

    private static Properties consumerProps(final String bootstrap, final String group) {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        props.put("heartbeat.interval.ms", "100");
        props.put("session.timeout.ms", "30000");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return props;
    }

    private static long median(final List<Long> values) {
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void await(final BooleanSupplier condition, final long timeoutMs) {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + timeoutMs + " ms");
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            }
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            final List<Path> all = paths.sorted(Collections.reverseOrder()).toList();
            for (final Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One consumer polling on its own thread; its assignment is published after every poll. */
    private static final class Member {
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile Set<Integer> assignment = Set.of();

        Member(final String bootstrap, final String group) {
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group))) {
                    consumer.subscribe(List.of(TOPIC));
                    while (running.get()) {
                        consumer.poll(Duration.ofMillis(10));
                        final Set<Integer> now = new HashSet<>();
                        for (final TopicPartition tp : consumer.assignment()) {
                            now.add(tp.partition());
                        }
                        assignment = now;
                    }
                }
            }, "member-" + group);
            thread.setDaemon(true);
            thread.start();
        }

        void close() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
        }
    }
}
