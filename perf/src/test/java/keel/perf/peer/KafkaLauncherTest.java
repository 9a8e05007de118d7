package keel.perf.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaLauncherTest {

    private static ServerSettings settings(final int brokers) {
        return new ServerSettings("java", "512m", List.of(), "cp", Duration.ofSeconds(1), brokers);
    }

    @Test
    void shouldReplicateThreeWaysWithMinInsyncTwoWhenCluster() {
        final Map<String, String> props = KafkaLauncher.serverProperties(2, 9092, 9093,
            "1@127.0.0.1:9001,2@127.0.0.1:9093,3@127.0.0.1:9003", Path.of("/d"), settings(3));
        assertEquals("2", props.get("node.id"));
        assertEquals("1@127.0.0.1:9001,2@127.0.0.1:9093,3@127.0.0.1:9003", props.get("controller.quorum.voters"));
        assertEquals("broker,controller", props.get("process.roles"));
        assertEquals("3", props.get("default.replication.factor"));
        assertEquals("2", props.get("min.insync.replicas"));
        assertEquals("3", props.get("offsets.topic.replication.factor"));
        assertEquals("2", props.get("transaction.state.log.min.isr"));
    }

    @Test
    void shouldKeepReplicationFactorOneWhenSingleNode() {
        final Map<String, String> props = KafkaLauncher.serverProperties(1, 9092, 9093, "1@127.0.0.1:9093",
            Path.of("/d"), settings(1));
        assertEquals("1", props.get("default.replication.factor"));
        assertEquals("1", props.get("min.insync.replicas"));
        assertEquals("1", props.get("offsets.topic.replication.factor"));
    }

    @Test
    void shouldRejectBrokerCountOtherThanOneOrThree() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(2));
        assertEquals("brokers must be 1 or 3: brokers=2", e.getMessage());
    }
}
