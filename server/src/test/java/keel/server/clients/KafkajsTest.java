package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * fetchTopicMetadata, an idempotent producer with acks=all, Fetch through kafkajs's broker connection (driver:
 * kafkajs_smoke.js; kafkajs's consumer needs a consumer group, which Keel does not serve yet).
 */
@Timeout(120)
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
        broker = new TestBroker(dataDir, Map.of()).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCreateTopicProduceAndFetchBackWhenDrivenByKafkajs() throws Exception {
        final ChildProcess child = ChildProcess.run(List.of("node", SmokeChecks.script("kafkajs_smoke.js").toString(),
            broker.bootstrap(), "kafkajs", "" + RECORDS), Map.of("NODE_PATH",
            ClientProvisioning.kafkajsPrefix().resolve("node_modules").toString(), "KAFKAJS_NO_PARTITIONER_WARNING",
            "1"), null, 90);

        SmokeChecks.assertReadBack(child, RECORDS);
        assertEquals(List.of("kafkajs 2"), child.linesStartingWith("ADMIN"), child::describe);
        assertEquals(2, broker.server().topics().topic("kafkajs").partitionCount());
    }
}
