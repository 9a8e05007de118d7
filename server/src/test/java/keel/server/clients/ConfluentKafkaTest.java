package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import keel.server.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * confluent-kafka 1.7 (Debian {@code python3-confluent-kafka}, librdkafka 2.0) against a real broker:
 * AdminClient.create_topics and list_topics, an idempotent lz4 producer with acks=all, a consumer with assign from
 * the beginning (driver: confluent_kafka_smoke.py).
 */
@Timeout(150)
class ConfluentKafkaTest {
    private static final int RECORDS = 200;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    @Timeout(900)
    static void provisionAndStart() throws Exception {
        final String missing = ClientProvisioning.debianPackage("python3-confluent-kafka",
            List.of(ClientProvisioning.DEBIAN_PYTHON, "-c", "import confluent_kafka"));
        assumeTrue(missing == null, missing);
        broker = new TestBroker(dataDir, SmokeChecks.GROUP_BROKER).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCreateTopicProduceAndConsumeBackWhenDrivenByConfluentKafka() throws Exception {
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script("confluent_kafka_smoke.py").toString(), broker.bootstrap(), "confluent-kafka", "" + RECORDS),
            Map.of(), null, 90);

        SmokeChecks.assertReadBack(child, RECORDS);
        assertEquals(List.of("confluent-kafka 2"), child.linesStartingWith("ADMIN"), child::describe);
        assertEquals(2, broker.server().topics().topic("confluent-kafka").partitionCount());
    }

    @Test
    void shouldResumeAfterTheCommitWhenASecondConsumerJoinsTheGroup() throws Exception {
        final String topic = "confluent-kafka-group";
        final String group = "confluent-kafka-group";
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script("confluent_kafka_group.py").toString(), broker.bootstrap(), topic, group,
            "" + SmokeChecks.GROUP_FIRST, "" + SmokeChecks.GROUP_SECOND), Map.of(), null, 100);

        SmokeChecks.assertConsumedThroughGroup(child);
        final int perPartition = (SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND) / 2;
        assertEquals(List.of("0 " + perPartition, "1 " + perPartition), child.linesStartingWith("COMMITTED"),
            child::describe);
        assertTrue(child.linesStartingWith("GROUPS").contains(group + " Empty consumer 0"), child::describe);
        SmokeChecks.groupVersions(broker, "confluent-kafka");
    }
}
