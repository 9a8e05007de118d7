package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * kafka-python 2.0 (Debian {@code python3-kafka}) against a real broker: KafkaAdminClient.create_topics, a gzip
 * producer with acks=all, a consumer with assign and seek_to_beginning (driver: kafka_python_smoke.py); the group
 * driver lists, describes and fetches the group's offsets with KafkaAdminClient (driver: kafka_python_group.py).
 */
class KafkaPythonTest extends PythonClientTest {
    KafkaPythonTest() {
        super("python3-kafka", "kafka", "kafka-python", "kafka_python");
    }

    @Override
    void assertGroupListed(final ChildProcess child, final String group) {
        assertTrue(child.linesStartingWith("GROUPS").contains(group + " consumer"), child::describe);
        assertEquals(List.of(group + " Empty 0"), child.linesStartingWith("DESCRIBED"), child::describe);
    }
}
