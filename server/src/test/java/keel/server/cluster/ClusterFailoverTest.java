package keel.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Failover of a real three-broker cluster: brokers are child JVMs ({@link ClusterHarness}) that the tests SIGKILL,
 * SIGSTOP/SIGCONT and SIGTERM, with a real ZooKeeper, and kafka-clients producing and consuming. See
 * docs/cluster.md, "Tests that kill brokers". {@code -Dkeel.cluster.cycles=N} sets the leader-kill cycles of the
 * acks=all test (default 20; a soak runs hundreds).
 */
class ClusterFailoverTest {
    private static final int CYCLES = Integer.getInteger("keel.cluster.cycles", 20);
    private static final long WAIT_MS = 60_000;
    /** acks=all, RF=3, min.insync.replicas=2: one broker may be down and produce still succeeds. */
    private static final Map<String, String> BROKER_CONFIG = Map.of("min.insync.replicas", "2",
        "default.replication.factor", "3", "num.partitions", "3");

    @TempDir
    Path dir;

    private ClusterHarness cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @RegisterExtension
    final AfterTestExecutionCallback printOutputsOnFailure = context -> {
        if (context.getExecutionException().isPresent() && cluster != null) {
            cluster.printOutputs(System.err);
        }
    };

    @AfterEach
    void tearDown() throws Exception {
        for (final AutoCloseable client : clients) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private <T extends AutoCloseable> T track(final T client) {
        clients.add(client);
        return client;
    }

    private void createTopic(final String topic, final int partitions) throws Exception {
        final Properties props = new Properties();
        props.put("bootstrap.servers", cluster.bootstrap());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        cluster.awaitFullIsr(topic, partitions, 3, WAIT_MS);
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenLeadersAreKilledRepeatedly() throws Exception {
        // bounded: each cycle's waits are bounded too; the budget grows with -Dkeel.cluster.cycles
        assertTimeoutPreemptively(Duration.ofSeconds(120 + 40L * CYCLES), this::killLeadersWhileProducing);
    }

    private void killLeadersWhileProducing() throws Exception {
        final String topic = "failover";
        final int partitions = 3;
        cluster = ClusterHarness.start(dir, 3, BROKER_CONFIG);
        createTopic(topic, partitions);
        final NumberedProducer producer = track(new NumberedProducer(cluster.bootstrap(), topic, partitions, 1000,
            Map.of())).start();
        final TailingConsumer consumer = track(new TailingConsumer(cluster.bootstrap(), topic, partitions)).start();
        cluster.await(() -> producer.acknowledgedCount() >= 300, WAIT_MS, () -> "first records " + producer.describe());

        final long started = System.nanoTime();
        final List<Long> failoverMs = new ArrayList<>();
        final List<Long> restartMs = new ArrayList<>();
        final List<Long> rejoinMs = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            final int partition = cycle % partitions;
            final LeaderAndIsr before = cluster.state(topic, partition);
            final int victim = before.leader();
            // 1. kill the partition's leader
            final long killedAt = System.nanoTime();
            cluster.sigkill(victim);
            // 2. a new leader from the ISR (after the victim's session expired), and records acknowledged by it
            cluster.awaitState(topic, partition, s -> s.leader() >= 0 && s.leader() != victim
                && s.leaderEpoch() > before.leaderEpoch(), WAIT_MS, "new leader after killing " + victim);
            final long progress = producer.acknowledgedCount(partition) + 50;
            cluster.await(() -> producer.acknowledgedCount(partition) >= progress, WAIT_MS,
                () -> "produce progress on partition " + partition + " after killing " + victim + ": "
                    + producer.describe());
            failoverMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            // 3. the victim comes back and catches up into every ISR
            final long restartedAt = System.nanoTime();
            cluster.start(victim);
            final long registeredAt = System.nanoTime();
            cluster.awaitFullIsr(topic, partitions, 3, WAIT_MS);
            restartMs.add(TimeUnit.NANOSECONDS.toMillis(registeredAt - restartedAt));
            rejoinMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registeredAt));
        }
        final long runMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        producer.stopAndFlush();
        final String bootstrap = cluster.bootstrap();
        final List<NavigableMap<Long, Long>> finalLogs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            finalLogs.add(TailingConsumer.readAll(bootstrap, topic, p, WAIT_MS));
        }
        for (int p = 0; p < partitions; p++) {
            final int partition = p;
            final long end = finalLogs.get(p).isEmpty() ? 0 : finalLogs.get(p).lastKey() + 1;
            cluster.await(() -> consumer.nextOffset(partition) >= end, WAIT_MS,
                () -> "the concurrent consumer to reach offset " + end + " of partition " + partition);
        }
        consumer.close();
        System.out.printf("acks=all failover: %d cycles in %d ms; ms from leader kill to produce progress %s, from "
            + "restart to registration %s, from registration to full ISRs %s; %s; consumer saw %d records%n", CYCLES,
            runMs, failoverMs, restartMs, rejoinMs, producer.describe(), consumer.seenCount());

        for (int p = 0; p < partitions; p++) {
            final NavigableMap<Long, Long> log = finalLogs.get(p);
            // in order and exactly once: seq strictly increases with the offset
            long previous = -1;
            for (final Map.Entry<Long, Long> record : log.entrySet()) {
                assertTrue(record.getValue() > previous, "partition " + p + ": seq " + record.getValue()
                    + " at offset " + record.getKey() + " after seq " + previous + " (duplicate or out of order)");
                previous = record.getValue();
            }
            // every acknowledged record, at the offset it was acknowledged with
            for (final Map.Entry<Long, Long> ack : producer.acknowledged(p).entrySet()) {
                assertEquals(ack.getKey(), log.get(ack.getValue()), "partition " + p + ": acknowledged seq "
                    + ack.getKey() + " at offset " + ack.getValue());
            }
            // nothing a consumer saw was lost later
            for (final Map.Entry<Long, Long> seen : consumer.seen(p).entrySet()) {
                assertEquals(seen.getValue(), log.get(seen.getKey()), "partition " + p + ": seq consumed at offset "
                    + seen.getKey() + " during the run");
            }
        }
        assertEquals(List.of(), consumer.anomalies(), "concurrent consumer");
        assertEquals(0, producer.failedCount(), "failed sends, first " + producer.firstFailure());
    }

    @Test
    @Timeout(180)
    void shouldFenceOldControllersWhenTheyResumeAfterSigstop() throws Exception {
        cluster = ClusterHarness.start(dir, 3, BROKER_CONFIG);
        cluster.createTopicInZooKeeper("fenced", 3, 3);
        cluster.awaitFullIsr("fenced", 3, 3, WAIT_MS);
        final int first = cluster.controllerId();
        final int firstEpoch = cluster.controllerEpoch();

        // 1. pause the controller; while its session still lives, give it work: a new topic, whose notification
        //    waits in its socket until it resumes
        cluster.sigstop(first);
        cluster.createTopicInZooKeeper("late", 3, 3);

        // 2. its session expires: another broker takes over with a higher epoch and does that work
        final int second = awaitControllerAfter(firstEpoch, List.of(first));
        final int secondEpoch = cluster.controllerEpoch();
        awaitDecidedWithout(secondEpoch, second, first, "fenced", "late");

        // 3. pause the second controller too and create a topic nobody has decided yet; then resume the first: it
        //    wakes up believing it is controller (the second's /controller still stands until its session expires)
        //    and may try to create that topic's states with its stale epoch
        cluster.sigstop(second);
        // (with a fixed assignment: a round robin would refuse three replicas while only two brokers are registered)
        cluster.createTopicInZooKeeper("later", List.of(List.of(1, 2, 3), List.of(2, 3, 1), List.of(3, 1, 2)));
        cluster.sigcont(first);

        // 4. the second's session expires: a third controller (the first may win this election, legitimately, with
        //    a new epoch) decides every partition, the new topic's included; then the second resumes
        final int third = awaitControllerAfter(secondEpoch, List.of(second));
        final int thirdEpoch = cluster.controllerEpoch();
        awaitDecidedWithout(thirdEpoch, third, second, "fenced", "late", "later");
        cluster.sigcont(second);
        cluster.awaitRegistered(first);
        cluster.awaitRegistered(second);
        cluster.awaitOutput(first, "Broker " + first + " is no longer the controller (epoch " + firstEpoch + ")",
            WAIT_MS);
        cluster.awaitOutput(second, "Broker " + second + " is no longer the controller (epoch " + secondEpoch + ")",
            WAIT_MS);
        System.out.printf("controller failover: %d (epoch %d) paused, %d took epoch %d, was paused, %d took epoch %d; "
            + "writes of deposed controllers rejected: %d by %d, %d by %d%n", first, firstEpoch, second, secondEpoch,
            third, thirdEpoch, countOccurrences(cluster.output(first), "was deposed"), first,
            countOccurrences(cluster.output(second), "was deposed"), second);

        // 5. nothing the resumed controllers decided landed: every state is the third controller's
        assertEquals(third, cluster.controllerId());
        assertEquals(thirdEpoch, cluster.controllerEpoch());
        for (final String topic : List.of("fenced", "late", "later")) {
            for (int p = 0; p < 3; p++) {
                final LeaderAndIsr now = cluster.state(topic, p);
                assertEquals(thirdEpoch, now.controllerEpoch(), topic + "-" + p + " " + now);
            }
        }
    }

    /** Waits for a controller other than {@code excluded} with an epoch above {@code epoch}; returns its id. */
    private int awaitControllerAfter(final int epoch, final List<Integer> excluded) {
        // (a new controller creates /controller first, then increments /controller_epoch)
        cluster.await(() -> cluster.controllerId() > 0 && !excluded.contains(cluster.controllerId())
            && cluster.controllerEpoch() > epoch, WAIT_MS, () -> "a controller other than " + excluded
            + " with an epoch above " + epoch);
        return cluster.controllerId();
    }

    /** Waits until the controller of {@code epoch} has decided every partition without broker {@code gone}. */
    private void awaitDecidedWithout(final int epoch, final int controller, final int gone, final String... topics) {
        for (final String topic : topics) {
            for (int p = 0; p < 3; p++) {
                cluster.awaitState(topic, p, s -> s.controllerEpoch() == epoch && s.leader() >= 0
                    && s.leader() != gone && !s.isr().contains(gone), WAIT_MS, "decided by controller "
                    + controller + " (epoch " + epoch + ") without broker " + gone);
            }
        }
    }

    @Test
    @Timeout(240)
    void shouldRecoverAndCatchUpWhenFollowerLostItsTailWhileDown() throws Exception {
        final String topic = "tail";
        cluster = ClusterHarness.start(dir, 3, BROKER_CONFIG);
        createTopic(topic, 1);
        final LeaderAndIsr initial = cluster.state(topic, 0);
        final int follower = initial.isr().stream().filter(id -> id != initial.leader()).findFirst().orElseThrow();
        long seq = produce(topic, 0, 3000);

        // 1. the follower dies; the partition goes on without it
        cluster.sigkill(follower);
        cluster.awaitState(topic, 0, s -> !s.isr().contains(follower), WAIT_MS, "ISR without " + follower);
        seq = produce(topic, seq, 2000);

        // 2. its disk loses the tail: the newest segment goes, the one before is cut in the middle of a batch
        final Path partitionDir = cluster.dataDir(follower).resolve(topic + "-0");
        final String cut = loseTail(partitionDir);
        System.out.println("lost tail of broker " + follower + ": " + cut);

        // 3. it comes back, recovers, catches up and rejoins the ISR
        cluster.start(follower);
        cluster.awaitState(topic, 0, s -> s.isr().contains(follower), WAIT_MS, "ISR with " + follower + " after "
            + cut);

        // 4. made the only live replica (the others killed), it leads and serves every record
        for (final int other : initial.isr()) {
            if (other != follower) {
                cluster.sigkill(other);
                cluster.awaitState(topic, 0, s -> s.leader() >= 0 && s.leader() != other, WAIT_MS,
                    "leader other than " + other);
            }
        }
        assertEquals(follower, cluster.state(topic, 0).leader());
        final NavigableMap<Long, Long> log = TailingConsumer.readAll(cluster.bootstrap(), topic, 0, WAIT_MS);
        assertEquals(seq, log.size(), "records on the recovered replica (" + cut + ")");
        long expected = 0;
        for (final Map.Entry<Long, Long> record : log.entrySet()) {
            assertEquals(expected, record.getKey().longValue());
            assertEquals(expected, record.getValue().longValue());
            expected++;
        }
    }

    @Test
    @Timeout(180)
    void shouldMoveLeadershipsBeforeExitingWhenLeaderGetsSigterm() throws Exception {
        final String topic = "controlled";
        final int partitions = 3;
        cluster = ClusterHarness.start(dir, 3, BROKER_CONFIG);
        createTopic(topic, partitions);
        final ErrorCapture produceErrors = track(ErrorCapture.attach(
            "org.apache.kafka.clients.producer.internals.Sender", "NOT_ENOUGH_REPLICAS"));
        final NumberedProducer producer = track(new NumberedProducer(cluster.bootstrap(), topic, partitions, 1000,
            Map.of())).start();
        cluster.await(() -> producer.acknowledgedCount() >= 300, WAIT_MS, () -> "first records " + producer.describe());
        final int stopping = cluster.state(topic, 0).leader();

        // 143 = 128 + SIGTERM: the JVM's exit status after a SIGTERM, once the shutdown hook has run
        assertEquals(143, cluster.sigterm(stopping, WAIT_MS), "exit code of broker " + stopping);
        assertTrue(cluster.output(stopping).contains("Keel broker " + stopping + " shut down cleanly"),
            "broker " + stopping + " did not shut down cleanly");

        // every leadership moved while the broker was still registered: each state was last written at a lower
        // ZooKeeper transaction id than the deletion of its registration (the last change of /brokers/ids)
        final Stat ids = cluster.zk().checkExists().forPath(ZkPaths.BROKER_IDS);
        for (int p = 0; p < partitions; p++) {
            final LeaderAndIsr state = cluster.state(topic, p);
            final Stat stat = cluster.zk().checkExists().forPath(ZkPaths.state(topic, p));
            assertNotEquals(stopping, state.leader(), "partition " + p + " " + state);
            assertTrue(stat.getMzxid() < ids.getPzxid(), "partition " + p + " state " + state + " written at zxid "
                + stat.getMzxid() + ", registration of " + stopping + " deleted at zxid " + ids.getPzxid());
        }
        final long progress = producer.acknowledgedCount() + 300;
        cluster.await(() -> producer.acknowledgedCount() >= progress, WAIT_MS,
            () -> "produce progress after the controlled shutdown: " + producer.describe());
        producer.stopAndFlush();
        assertEquals(0, producer.failedCount(), "failed sends, first " + producer.firstFailure());
        assertEquals(List.of(), produceErrors.messages(), "NOT_ENOUGH_REPLICAS answers seen by the producer");
    }

    @Test
    @Timeout(180)
    void shouldMoveLeadershipWhenKilledLeaderRestartsAtOnceWithLostTail() throws Exception {
        final String topic = "bounce";
        cluster = ClusterHarness.start(dir, 3, BROKER_CONFIG);
        createTopic(topic, 1);
        final long seq = produce(topic, 0, 3000);
        final LeaderAndIsr before = cluster.state(topic, 0);
        final int leader = before.leader();

        // 1. the leader dies and its disk loses the tail (unflushed data after a power loss); it is restarted at
        //    once, so it registers again right after its old session expires (the issue's "restarted right after a
        //    SIGKILL")
        cluster.sigkill(leader);
        final String cut = loseTail(cluster.dataDir(leader).resolve(topic + "-0"));
        cluster.start(leader);

        // 2. a broker that came back is a new replica, not the leader it was: another ISR member leads at a higher
        //    leader epoch, and every acknowledged record is still there
        cluster.await(() -> {
            final LeaderAndIsr now = cluster.state(topic, 0);
            return now != null && now.leaderEpoch() > before.leaderEpoch();
        }, WAIT_MS, () -> "a new leader epoch for " + topic + "-0 after broker " + leader + " came back; state before "
            + before + ", now " + cluster.state(topic, 0));
        cluster.awaitFullIsr(topic, 1, 3, WAIT_MS);
        final LeaderAndIsr after = cluster.state(topic, 0);
        assertTrue(after.leaderEpoch() > before.leaderEpoch(), "state before " + before + ", after " + after);
        final NavigableMap<Long, Long> log = TailingConsumer.readAll(cluster.bootstrap(), topic, 0, seq, WAIT_MS);
        assertEquals(seq, log.size(), "records after broker " + leader + " restarted with a lost tail (" + cut
            + "); state before " + before + ", after " + after);
    }

    /** Produces {@code count} records with seq from {@code firstSeq} to partition 0, acks=all; returns the next seq. */
    private long produce(final String topic, final long firstSeq, final int count) throws Exception {
        final Properties props = new Properties();
        props.put("bootstrap.servers", cluster.bootstrap());
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("delivery.timeout.ms", "60000");
        final byte[] padding = new byte[200];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            final List<Future<?>> sends = new ArrayList<>();
            for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, padding,
                    Long.toString(seq).getBytes(StandardCharsets.UTF_8))));
            }
            for (final Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
        return firstSeq + count;
    }

    /**
     * Deletes the newest segment of a stopped replica and cuts the one before it in the middle of a batch (or, with
     * one segment, cuts that one).
     *
     * @return what was done, for messages.
     */
    private static String loseTail(final Path partitionDir) throws IOException {
        final List<Path> logs;
        try (Stream<Path> files = Files.list(partitionDir)) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(!logs.isEmpty(), "no segment in " + partitionDir);
        final StringBuilder done = new StringBuilder();
        Path cut = logs.get(logs.size() - 1);
        if (logs.size() > 1) {
            final String base = cut.getFileName().toString().replace(".log", "");
            try (Stream<Path> files = Files.list(partitionDir)) {
                for (final Path file : files.filter(f -> f.getFileName().toString().startsWith(base)).toList()) {
                    Files.delete(file);
                    done.append("deleted ").append(file.getFileName()).append("; ");
                }
            }
            cut = logs.get(logs.size() - 2);
        }
        final long valid = validBytes(cut);
        final long cutAt = valid / 2 + 7;
        try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            channel.truncate(cutAt);
        }
        return done.append("cut ").append(cut.getFileName()).append(" from ").append(valid).append(" valid bytes to ")
            .append(cutAt).toString();
    }

    /** The length of the batches at the start of a segment file (its preallocated rest is zeros). */
    private static long validBytes(final Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            final ByteBuffer header = ByteBuffer.allocate(12);
            long position = 0;
            final long size = channel.size();
            while (position + 12 <= size) {
                header.clear();
                channel.read(header, position);
                final int length = header.getInt(8);
                if (length <= 0 || position + 12 + length > size) {
                    break;
                }
                position += 12 + length;
            }
            return position;
        }
    }

    private static int countOccurrences(final String text, final String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            count++;
        }
        return count;
    }

    /** Captures warnings of one logger that contain a text (here: the producer's retried error codes). */
    private static final class ErrorCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final Logger logger;
        private final Level previousLevel;
        private final String text;
        private final List<String> messages = new CopyOnWriteArrayList<>();

        private ErrorCapture(final Logger logger, final String text) {
            this.logger = logger;
            this.previousLevel = logger.getLevel();
            this.text = text;
        }

        static ErrorCapture attach(final String loggerName, final String text) {
            final ErrorCapture capture = new ErrorCapture((Logger) LoggerFactory.getLogger(loggerName), text);
            capture.setContext(capture.logger.getLoggerContext());
            capture.start();
            capture.logger.addAppender(capture);
            capture.logger.setLevel(Level.WARN);
            return capture;
        }

        @Override
        protected void append(final ILoggingEvent event) {
            if (event.getFormattedMessage().contains(text)) {
                messages.add(event.getFormattedMessage());
            }
        }

        List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            logger.setLevel(previousLevel);
            stop();
        }
    }
}
