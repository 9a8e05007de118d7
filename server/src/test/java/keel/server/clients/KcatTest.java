package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import keel.server.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kcat (Debian {@code kcat}, librdkafka 2.x) against a real broker: metadata, produce (idempotent, acks=all,
 * compressed), consume back; a balanced consumer ({@code -G}) that commits on exit and a second one in the same group
 * that resumes after the commit.
 */
@Timeout(120)
class KcatTest {
    private static final int RECORDS = 200;
    private static final long CHILD_TIMEOUT_SEC = 60;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    @Timeout(900)
    static void provisionAndStart() throws Exception {
        final String missing = ClientProvisioning.debianPackage("kcat", List.of("kcat", "-V"));
        assumeTrue(missing == null, missing);
        broker = new TestBroker(dataDir.resolve("data"), SmokeChecks.GROUP_BROKER).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static ChildProcess kcat(final Path stdin, final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrap()));
        command.addAll(List.of(args));
        return ChildProcess.run(command, Map.of(), stdin, CHILD_TIMEOUT_SEC);
    }

    private static void produce(final String topic, final String codec) throws Exception {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            lines.append("key-").append(i).append('\t').append("value-").append(i).append('\n');
        }
        final Path input = dataDir.resolve(topic + ".in");
        Files.writeString(input, lines, StandardCharsets.UTF_8);
        final ChildProcess producer = kcat(input, "-P", "-t", topic, "-p", "0", "-K", "\t", "-z", codec,
            "-X", "acks=all", "-X", "enable.idempotence=true");
        assertTrue(producer.succeeded(), producer::describe);
    }

    private static void assertConsumedBack(final String topic) throws Exception {
        final ChildProcess consumer = kcat(null, "-C", "-q", "-t", topic, "-p", "0", "-o", "beginning", "-e",
            "-f", "REC %o %k %s\n");
        SmokeChecks.assertReadBack(consumer, RECORDS);
    }

    @Test
    void shouldConsumeBackEveryRecordWhenKcatProducesUncompressed() throws Exception {
        produce("kcat-plain", "none");

        assertConsumedBack("kcat-plain");
    }

    @Test
    void shouldConsumeBackEveryRecordWhenKcatProducesWithLz4() throws Exception {
        produce("kcat-lz4", "lz4");

        assertConsumedBack("kcat-lz4");
    }

    @Test
    void shouldListBrokerAndPartitionsWhenKcatAsksForMetadata() throws Exception {
        broker.server().topics().createTopic("kcat-metadata", 3, 1, Map.of(), false);

        final ChildProcess metadata = kcat(null, "-L", "-t", "kcat-metadata");

        assertEquals(0, metadata.exitCode(), metadata::describe);
        assertTrue(metadata.output().contains("broker 0 at 127.0.0.1:" + broker.server().boundPort()),
            metadata::describe);
        assertTrue(metadata.output().contains("topic \"kcat-metadata\" with 3 partitions:"), metadata::describe);
    }

    private static void produceRange(final String topic, final int partition, final int from, final int to)
        throws Exception {
        final StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i % 2 == partition) {
                lines.append("key-").append(i).append('\t').append("value-").append(i).append('\n');
            }
        }
        final Path input = dataDir.resolve(topic + "-" + partition + "-" + from + ".in");
        Files.writeString(input, lines, StandardCharsets.UTF_8);
        final ChildProcess producer = kcat(input, "-P", "-t", topic, "-p", Integer.toString(partition), "-K", "\t",
            "-X", "acks=all");
        assertTrue(producer.succeeded(), producer::describe);
    }

    private static ChildProcess consumeInGroup(final String topic, final String group, final String tag)
        throws Exception {
        // -e: exit once every assigned partition is at its end; enable.auto.commit (the default) commits on close
        return kcat(null, "-G", group, "-q", "-e", "-X", "auto.offset.reset=earliest", "-X",
            "session.timeout.ms=10000", "-f", tag + " %k %s\n", topic);
    }

    @Test
    void shouldResumeAfterTheCommitWhenASecondBalancedConsumerJoinsTheGroup() throws Exception {
        final String topic = "kcat-group";
        broker.server().topics().createTopic(topic, 2, 1, Map.of(), false);
        produceRange(topic, 0, 0, SmokeChecks.GROUP_FIRST);
        produceRange(topic, 1, 0, SmokeChecks.GROUP_FIRST);
        final ChildProcess first = consumeInGroup(topic, "kcat-group", "REC1");
        produceRange(topic, 0, SmokeChecks.GROUP_FIRST, SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND);
        produceRange(topic, 1, SmokeChecks.GROUP_FIRST, SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND);
        final ChildProcess second = consumeInGroup(topic, "kcat-group", "REC2");

        SmokeChecks.assertConsumedThroughGroup(first, second);
        SmokeChecks.groupVersions(broker, "kcat");
    }
}
