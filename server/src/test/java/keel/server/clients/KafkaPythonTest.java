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
 * kafka-python 2.0 (Debian {@code python3-kafka}) against a real broker: KafkaAdminClient.create_topics, a gzip
 * producer with acks=all, a consumer with assign and seek_to_beginning (driver: kafka_python_smoke.py).
 */
@Timeout(150)
class KafkaPythonTest {
    private static final int RECORDS = 200;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    @Timeout(900)
    static void provisionAndStart() throws Exception {
        final String missing = ClientProvisioning.debianPackage("python3-kafka",
            List.of(ClientProvisioning.DEBIAN_PYTHON, "-c", "import kafka"));
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
    void shouldCreateTopicProduceAndConsumeBackWhenDrivenByKafkaPython() throws Exception {
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script("kafka_python_smoke.py").toString(), broker.bootstrap(), "kafka-python", "" + RECORDS),
            Map.of(), null, 90);

        SmokeChecks.assertReadBack(child, RECORDS);
        assertEquals(List.of("kafka-python 2"), child.linesStartingWith("ADMIN"), child::describe);
        assertEquals(2, broker.server().topics().topic("kafka-python").partitionCount());
    }

    @Test
    void shouldResumeAfterTheCommitWhenASecondConsumerJoinsTheGroup() throws Exception {
        final String topic = "kafka-python-group";
        final String group = "kafka-python-group";
        final ChildProcess child = ChildProcess.run(List.of(ClientProvisioning.DEBIAN_PYTHON,
            SmokeChecks.script("kafka_python_group.py").toString(), broker.bootstrap(), topic, group,
            "" + SmokeChecks.GROUP_FIRST, "" + SmokeChecks.GROUP_SECOND), Map.of(), null, 100);

        SmokeChecks.assertConsumedThroughGroup(child);
        final int perPartition = (SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND) / 2;
        assertEquals(List.of("0 " + perPartition, "1 " + perPartition), child.linesStartingWith("COMMITTED"),
            child::describe);
        assertTrue(child.linesStartingWith("GROUPS").contains(group + " consumer"), child::describe);
        assertEquals(List.of(group + " Empty 0"), child.linesStartingWith("DESCRIBED"), child::describe);
        SmokeChecks.groupVersions(broker, "kafka-python");
    }
}
