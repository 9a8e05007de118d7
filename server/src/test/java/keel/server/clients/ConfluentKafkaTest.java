package keel.server.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * confluent-kafka 1.7 (Debian {@code python3-confluent-kafka}, librdkafka 2.0) against a real broker:
 * AdminClient.create_topics and list_topics, an idempotent lz4 producer with acks=all, a consumer with assign from
 * the beginning (driver: confluent_kafka_smoke.py); the group drivers' listing comes from list_groups, since 1.7 has
 * no list_consumer_groups (driver: confluent_kafka_group.py).
 */
class ConfluentKafkaTest extends PythonClientTest {
    ConfluentKafkaTest() {
        super("python3-confluent-kafka", "confluent_kafka", "confluent-kafka", "confluent_kafka");
    }

    @Override
    void assertGroupListed(final ChildProcess child, final String group) {
        assertTrue(child.linesStartingWith("GROUPS").contains(group + " Empty consumer 0"), child::describe);
    }
}
