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
 * kafkajs 2.x (npm, installed under target/clients/kafkajs) against a real broker: admin.createTopics and
 * fetchTopicMetadata, an idempotent producer with acks=all, a consumer in a group reading from the beginning (driver:
 * kafkajs_smoke.js); a group consumer that commits and a second one that resumes after the commit, then listGroups,
 * describeGroups and fetchOffsets (driver: kafkajs_group.js).
 */
@Timeout(150)
class KafkajsTest {
    private static final int RECORDS = 200;

    @TempDir
    static Path dataDir;

    private static TestBroker broker;

    @BeforeAll
    @Timeout(900)
    static void provisionAndStart() throws Exception {
        final String missing = ClientProvisioning.kafkajs();
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
    void shouldCreateTopicProduceAndConsumeBackWhenDrivenByKafkajs() throws Exception {
        final ChildProcess child = ChildProcess.run(List.of("node", SmokeChecks.script("kafkajs_smoke.js").toString(),
            broker.bootstrap(), "kafkajs", "" + RECORDS), Map.of("NODE_PATH",
            ClientProvisioning.kafkajsPrefix().resolve("node_modules").toString(), "KAFKAJS_NO_PARTITIONER_WARNING",
            "1"), null, 90);

        SmokeChecks.assertReadBack(child, RECORDS);
        assertEquals(List.of("kafkajs 2"), child.linesStartingWith("ADMIN"), child::describe);
        assertEquals(2, broker.server().topics().topic("kafkajs").partitionCount());
    }

    @Test
    void shouldResumeAfterTheCommitWhenASecondConsumerJoinsTheGroup() throws Exception {
        final String topic = "kafkajs-group";
        final String group = "kafkajs-group";
        final ChildProcess child = ChildProcess.run(List.of("node",
            SmokeChecks.script("kafkajs_group.js").toString(), broker.bootstrap(), topic, group,
            "" + SmokeChecks.GROUP_FIRST, "" + SmokeChecks.GROUP_SECOND), Map.of("NODE_PATH",
            ClientProvisioning.kafkajsPrefix().resolve("node_modules").toString(), "KAFKAJS_NO_PARTITIONER_WARNING",
            "1"), null, 100);

        SmokeChecks.assertConsumedThroughGroup(child);
        final int perPartition = (SmokeChecks.GROUP_FIRST + SmokeChecks.GROUP_SECOND) / 2;
        assertEquals(List.of("0 " + perPartition, "1 " + perPartition), child.linesStartingWith("COMMITTED"),
            child::describe);
        assertTrue(child.linesStartingWith("GROUPS").contains(group + " consumer"), child::describe);
        assertEquals(List.of(group + " Empty 0"), child.linesStartingWith("DESCRIBED"), child::describe);
        SmokeChecks.groupVersions(broker, "kafkajs");
    }
}
