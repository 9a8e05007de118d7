package keel.server;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import keel.server.group.GroupConfig;
import keel.server.group.GroupState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kafka-clients 4.4 consumers in groups against a real in-process broker: the textbook assignments, two groups on one
 * topic, leave and crash rebalances, resuming after a broker restart, the cooperative-sticky assignor and Kafka's
 * ConsumerGroupCommand. Every test has its own topic and group.
 */
@Timeout(120)
class ConsumerGroupTest {
    private static final int PARTITIONS = 4;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new TestBroker(dataDir, groupOverrides()).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    static Map<String, String> groupOverrides() {
        return Map.of("group.initial.rebalance.delay.ms", "200", "group.min.session.timeout.ms", "1000",
            "offsets.topic.num.partitions", "4", "offsets.topic.segment.bytes", Integer.toString(1 << 20));
    }

    private static String newTopic(final String name, final int partitions) throws Exception {
        broker.server().topics().createTopic(name, partitions, 1, Map.of(), false);
        return name;
    }

    private static void produce(final TestBroker target, final String topic, final int count) {
        final Properties props = target.clientProps();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % producerPartitions(target, topic), null,
                    Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static int producerPartitions(final TestBroker target, final String topic) {
        return target.server().topics().topic(topic).partitionCount();
    }

    private static PolledConsumer member(final String topic, final String group, final Map<String, Object> extra) {
        final Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put("group.id", group);
        return new PolledConsumer(broker.clientProps(), topic, props);
    }

    private static List<Integer> sizes(final List<PolledConsumer> members) {
        final List<Integer> sizes = new ArrayList<>();
        for (final PolledConsumer member : members) {
            sizes.add(member.assignment().size());
        }
        sizes.sort(null);
        return sizes;
    }

    /** True when the members' assignments are disjoint and cover every partition of the topic. */
    private static boolean ownedOnceEach(final List<PolledConsumer> members, final int partitions) {
        final Set<Integer> seen = new HashSet<>();
        int total = 0;
        for (final PolledConsumer member : members) {
            seen.addAll(member.assignment());
            total += member.assignment().size();
        }
        return total == partitions && seen.size() == partitions;
    }

    private static void closeAll(final List<PolledConsumer> members) throws InterruptedException {
        for (final PolledConsumer member : members) {
            member.close();
        }
    }

    @ParameterizedTest(name = "{0} consumers")
    @ValueSource(ints = {1, 2, 4, 5})
    void shouldGiveEveryPartitionToExactlyOneMemberWhenConsumersShareFourPartitions(final int consumers)
        throws Exception {
        final String topic = newTopic("textbook-" + consumers, PARTITIONS);
        final List<Integer> expected = switch (consumers) {
            case 1 -> List.of(4);
            case 2 -> List.of(2, 2);
            case 4 -> List.of(1, 1, 1, 1);
            default -> List.of(0, 1, 1, 1, 1);
        };
        final List<PolledConsumer> members = new ArrayList<>();
        try {
            for (int i = 0; i < consumers; i++) {
                members.add(member(topic, "textbook-group-" + consumers, Map.of()));
            }

            await(() -> ownedOnceEach(members, PARTITIONS) && sizes(members).equals(expected), 60_000,
                () -> "assignments " + sizes(members) + ", expected " + expected);
        } finally {
            closeAll(members);
        }
    }

    @Test
    void shouldDeliverEveryRecordToEachGroupWhenTwoGroupsReadOneTopic() throws Exception {
        final String topic = newTopic("two-groups", PARTITIONS);
        produce(broker, topic, 200);
        final PolledConsumer realTime = member(topic, "real-time", Map.of());
        final PolledConsumer storage = member(topic, "storage", Map.of());
        try {
            await(() -> realTime.records().size() >= 200 && storage.records().size() >= 200, 60_000,
                () -> "real-time got " + realTime.records().size() + ", storage got " + storage.records().size());

            assertEquals(values(200), valuesOf(realTime.records()));
            assertEquals(values(200), valuesOf(storage.records()));
        } finally {
            realTime.close();
            storage.close();
        }
    }

    private static Set<String> values(final int count) {
        final Set<String> values = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            values.add(Integer.toString(i));
        }
        return values;
    }

    private static Set<String> valuesOf(final List<ConsumerRecord<byte[], byte[]>> records) {
        final Set<String> values = new TreeSet<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        assertEquals(records.size(), values.size(), "a record was delivered twice");
        return values;
    }

    @Test
    void shouldRebalanceBeforeTheSessionTimeoutWhenAMemberCloses() throws Exception {
        final String topic = newTopic("leave", PARTITIONS);
        // a 60 s session: only the LeaveGroup of close() can move the partitions within the 30 s wait below
        final Map<String, Object> props = Map.of("session.timeout.ms", "60000");
        final PolledConsumer stays = member(topic, "leave-group", props);
        final PolledConsumer leaves = member(topic, "leave-group", props);
        try {
            await(() -> ownedOnceEach(List.of(stays, leaves), PARTITIONS)
                && sizes(List.of(stays, leaves)).equals(List.of(2, 2)), 60_000, () -> "never 2+2");

            leaves.close();

            await(() -> stays.assignment().size() == PARTITIONS, 30_000,
                () -> "the remaining member owns " + stays.assignment());
        } finally {
            stays.close();
            leaves.close();
        }
    }

    @Test
    void shouldMoveTheDeadMembersPartitionsWhenItsSessionExpires() throws Exception {
        final String topic = newTopic("sigkill", PARTITIONS);
        final PolledConsumer survivor = member(topic, "sigkill-group", Map.of("session.timeout.ms", "3000"));
        final Process child = startMemberProcess(topic, "sigkill-group", 3000);
        final AtomicReference<String> childAssignment = new AtomicReference<>("");
        final Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("ASSIGNED ")) {
                        childAssignment.set(line.substring("ASSIGNED ".length()));
                    }
                }
            } catch (final java.io.IOException ignore) {
                // the child was killed: its output ends
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await(() -> survivor.assignment().size() == 2 && childAssignment.get().split(",").length == 2, 90_000,
                () -> "survivor " + survivor.assignment() + ", child " + childAssignment.get());

            child.destroyForcibly(); // SIGKILL: no LeaveGroup
            child.waitFor();

            await(() -> survivor.assignment().size() == PARTITIONS, 60_000,
                () -> "the survivor owns " + survivor.assignment());
        } finally {
            child.destroyForcibly();
            survivor.close();
        }
    }

    private static Process startMemberProcess(final String topic, final String group, final int sessionTimeoutMs)
        throws java.io.IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GroupMemberProcess.class.getName());
        command.add(broker.bootstrap());
        command.add(topic);
        command.add(group);
        command.add(Integer.toString(sessionTimeoutMs));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void shouldResumeRightAfterTheCommitWhenBrokerAndConsumerRestart(@TempDir final Path ownDir) throws Exception {
        try (TestBroker own = new TestBroker(ownDir, groupOverrides()).start()) {
            own.server().topics().createTopic("resume", 1, 1, Map.of(), false);
            produce(own, "resume", 100);
            final TopicPartition tp = new TopicPartition("resume", 0);
            PolledConsumer first = new PolledConsumer(own.clientProps(), "resume", Map.of("group.id", "resumer"));
            try {
                await(() -> first.records().size() >= 100, 60_000, () -> "read " + first.records().size());
                first.onConsumerThread(consumer -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(40))));
            } finally {
                first.close();
            }

            own.close();
            own.start();

            final PolledConsumer second = new PolledConsumer(own.clientProps(), "resume",
                Map.of("group.id", "resumer"));
            try {
                await(() -> second.records().size() >= 60, 60_000, () -> "read " + second.records().size());
                // one more poll cycle: nothing beyond the 60 records after the commit may arrive
                second.onConsumerThread(consumer -> consumer.poll(Duration.ofMillis(200)));

                final List<Long> offsets = new ArrayList<>();
                for (final ConsumerRecord<byte[], byte[]> record : second.records()) {
                    offsets.add(record.offset());
                }
                final List<Long> expected = new ArrayList<>();
                for (long o = 40; o < 100; o++) {
                    expected.add(o);
                }
                assertEquals(expected, offsets);
            } finally {
                second.close();
            }
        }
    }

    @Test
    void shouldRevokeOnlyTheMovedPartitionsWhenAMemberJoinsWithCooperativeSticky() throws Exception {
        final String topic = newTopic("cooperative", PARTITIONS);
        final Map<String, Object> props = Map.of("partition.assignment.strategy",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        final PolledConsumer first = member(topic, "cooperative-group", props);
        PolledConsumer second = null;
        try {
            await(() -> first.assignment().size() == PARTITIONS, 60_000, () -> "first owns " + first.assignment());
            second = member(topic, "cooperative-group", props);
            final PolledConsumer joined = second;
            await(() -> ownedOnceEach(List.of(first, joined), PARTITIONS)
                && sizes(List.of(first, joined)).equals(List.of(2, 2)), 60_000,
                () -> "first " + first.assignment() + ", second " + joined.assignment());

            final Set<Integer> revoked = new TreeSet<>();
            for (final TopicPartition tp : first.revoked()) {
                revoked.add(tp.partition());
            }
            assertEquals(joined.assignment(), revoked, "the first member revoked exactly what moved");
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void shouldListDescribeAndShowLagWhenKafkaConsumerGroupCommandRuns() throws Exception {
        final String topic = newTopic("tooling", 1);
        produce(broker, topic, 50);
        final PolledConsumer member = member(topic, "tooling-group", Map.of());
        try {
            await(() -> member.records().size() >= 50, 60_000, () -> "read " + member.records().size());
            member.onConsumerThread(consumer -> consumer.commitSync(Map.of(new TopicPartition(topic, 0),
                new OffsetAndMetadata(30))));

            final String listed = runGroupCommand("--list");
            final String described = runGroupCommand("--describe", "--group", "tooling-group");

            assertTrue(listed.lines().anyMatch("tooling-group"::equals), listed);
            final String row = described.lines().filter(line -> line.startsWith("tooling-group ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for the group in:\n" + described));
            final String[] columns = row.trim().split("\\s+");
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
            assertEquals(List.of("tooling-group", topic, "0", "30", "50", "20"), List.of(columns).subList(0, 6), row);
            assertTrue(columns[6].startsWith("consumer-tooling-group-"), row);
        } finally {
            member.close();
        }
    }

    private static String runGroupCommand(final String... args) {
        final List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Exit.setExitProcedure((status, message) -> {
            throw new AssertionError("ConsumerGroupCommand exited with " + status + ": " + message);
        });
        synchronized (ConsumerGroupTest.class) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                ConsumerGroupCommand.main(all.toArray(new String[0]));
            } finally {
                System.setOut(original);
                Exit.resetExitProcedure();
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldGiveARestartedStaticMemberItsPartitionsBackWithoutARebalanceWhenItReturnsWithinItsSession()
        throws Exception {
        final String topic = newTopic("static-restart", PARTITIONS);
        final Map<String, Object> a = Map.of("group.instance.id", "a", "session.timeout.ms", "20000");
        final PolledConsumer first = member(topic, "static-restart-group", a);
        final PolledConsumer other = member(topic, "static-restart-group", Map.of("group.instance.id", "b",
            "session.timeout.ms", "20000"));
        PolledConsumer restarted = null;
        try {
            await(() -> ownedOnceEach(List.of(first, other), PARTITIONS)
                && sizes(List.of(first, other)).equals(List.of(2, 2)), 60_000, () -> "never 2+2");
            final Set<Integer> owned = first.assignment();
            final int otherAssigned = other.assignedCalls();
            final int otherRevoked = other.revoked().size();

            first.closeRemainingInGroup();
            restarted = member(topic, "static-restart-group", a);
            final PolledConsumer back = restarted;
            await(() -> back.assignment().equals(owned), 20_000, () -> "the restarted member owns "
                + back.assignment() + ", not " + owned);
            // a rebalance would reach the other member at its next heartbeat (300 ms): watch it for 40 more polls
            final int polls = other.polls();
            await(() -> other.polls() >= polls + 40, 20_000, () -> "the other member stopped polling");

            assertEquals(otherAssigned, other.assignedCalls(), "the other member was reassigned");
            assertEquals(otherRevoked, other.revoked().size(), "the other member had partitions revoked");
            assertEquals(2, other.assignment().size());
        } finally {
            first.close();
            other.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void shouldFenceTheOlderMemberWhenASecondConsumerJoinsWithTheSameInstanceId() throws Exception {
        final String topic = newTopic("static-fenced", PARTITIONS);
        final Map<String, Object> a = Map.of("group.instance.id", "a", "session.timeout.ms", "20000");
        final PolledConsumer first = member(topic, "static-fenced-group", a);
        PolledConsumer duplicate = null;
        try {
            await(() -> first.assignment().size() == PARTITIONS, 60_000, () -> "never assigned");

            duplicate = member(topic, "static-fenced-group", a);
            final PolledConsumer second = duplicate;

            // KIP-345: the join with a known instance id takes the member's place; the one it replaced is fenced
            await(() -> first.failure() != null, 20_000, () -> "the first member was never fenced");
            assertEquals(FencedInstanceIdException.class, first.failure().getClass(), () -> "" + first.failure());
            await(() -> second.assignment().size() == PARTITIONS, 20_000, () -> "the duplicate owns "
                + second.assignment());
        } finally {
            first.close();
            if (duplicate != null) {
                duplicate.close();
            }
        }
    }

    /** What OffsetFetch answers for the partition, through a consumer that does not join (null: offset -1). */
    private static OffsetAndMetadata committed(final TestBroker target, final String group, final TopicPartition tp) {
        final Properties props = target.clientProps();
        props.put("group.id", group);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            return consumer.committed(Set.of(tp), Duration.ofSeconds(15)).get(tp);
        }
    }

    @Test
    void shouldExpireAnEmptyGroupsOffsetsWhenRetentionPasses(@TempDir final Path ownDir) throws Exception {
        final Map<String, String> overrides = new java.util.HashMap<>(groupOverrides());
        overrides.put(GroupConfig.OFFSETS_RETENTION_MS_CONFIG, "1000");
        overrides.put(GroupConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG, "200");
        try (TestBroker own = new TestBroker(ownDir, overrides).start()) {
            own.server().topics().createTopic("expiry", 1, 1, Map.of(), false);
            produce(own, "expiry", 10);
            final TopicPartition tp = new TopicPartition("expiry", 0);
            final PolledConsumer member = new PolledConsumer(own.clientProps(), "expiry",
                Map.of("group.id", "expiring"));
            try {
                await(() -> member.records().size() >= 10, 60_000, () -> "read " + member.records().size());
                member.onConsumerThread(consumer -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(7))));
                assertEquals(7L, committed(own, "expiring", tp).offset());
            } finally {
                member.close();
            }

            await(() -> committed(own, "expiring", tp) == null, 20_000,
                () -> "still committed: " + committed(own, "expiring", tp));
            await(() -> own.server().groupCoordinator().describeGroup("expiring").state() == GroupState.DEAD, 10_000,
                () -> "the group is " + own.server().groupCoordinator().describeGroup("expiring").state());
        }
    }
}
