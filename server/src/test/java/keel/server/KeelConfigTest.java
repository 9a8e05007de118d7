package keel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KeelConfigTest {
    @Test
    void shouldTakeKafkaDefaultsWhenNothingIsSet() {
        final KeelConfig config = KeelConfig.fromMap(Map.of());

        assertEquals(0, config.brokerId());
        assertEquals(9092, config.listenerPort());
        assertEquals(Path.of("./data"), config.logDir());
        assertEquals(168L * 3_600_000L, config.defaultLogConfig().retentionMs());
        assertEquals(1, config.numPartitions());
    }

    @Test
    void shouldNameKeyValueAndRangeWhenValueIsOutOfRange() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> KeelConfig.fromMap(Map.of("num.partitions", "0")));

        assertEquals("Invalid value 0 for configuration num.partitions: allowed [1, 1000000]", ex.getMessage());
    }

    @Test
    void shouldRefuseSeveralLogDirectories() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> KeelConfig.fromMap(Map.of("log.dirs", "/a,/b")));

        assertEquals("Invalid value /a,/b for configuration log.dirs: allowed one directory (Keel does not support "
            + "several log directories yet)", ex.getMessage());
    }

    @Test
    void shouldReportUnknownKeysWhenGiven() {
        final KeelConfig config = KeelConfig.fromMap(Map.of("log.cleaner.threads", "2",
            "socket.request.max.bytes", "1000", "log.retention.hours", "1"));

        assertEquals(Set.of("log.cleaner.threads"), config.unknownKeys());
    }

    @Test
    void shouldRunSingleNodeWithoutZookeeperWhenConnectIsNotSet() {
        final KeelConfig config = KeelConfig.fromMap(Map.of());

        assertEquals(null, config.zookeeperConnect());
        assertEquals(9_000, config.zookeeperSessionTimeoutMs());
        assertEquals(9_000, config.zookeeperConnectionTimeoutMs());
        assertEquals(false, config.uncleanLeaderElection());
        assertEquals(true, config.controlledShutdown());
    }

    @Test
    void shouldRefuseReplicationFactorAboveOneWhenSingleNode() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> KeelConfig.fromMap(Map.of("default.replication.factor", "3")));

        assertEquals("Invalid value 3 for configuration default.replication.factor: allowed [1, 1]", ex.getMessage());
    }

    @Test
    void shouldAcceptClusterKeysWhenZookeeperConnectIsSet() {
        final KeelConfig config = KeelConfig.fromMap(Map.of("zookeeper.connect", "127.0.0.1:2181",
            "default.replication.factor", "3", "broker.rack", "r1", "unclean.leader.election.enable", "true",
            "zookeeper.session.timeout.ms", "6000"));

        assertEquals("127.0.0.1:2181", config.zookeeperConnect());
        assertEquals(3, config.defaultReplicationFactor());
        assertEquals("r1", config.brokerRack());
        assertEquals(true, config.uncleanLeaderElection());
        assertEquals(6_000, config.zookeeperConnectionTimeoutMs());
        assertEquals(Set.of(), config.unknownKeys());
    }

    @Test
    void shouldReadGroupKeysWithKafkaNamesWhenGiven() {
        final KeelConfig config = KeelConfig.fromMap(Map.of("offsets.topic.num.partitions", "3",
            "group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000"));

        assertEquals(Set.of(), config.unknownKeys());
        assertEquals(3, config.groupConfig().offsetsTopicNumPartitions());
        assertEquals(0, config.groupConfig().initialRebalanceDelayMs());
        assertEquals(1000, config.groupConfig().minSessionTimeoutMs());
    }

    @Test
    void shouldNameKeyValueAndRangeWhenAGroupKeyIsOutOfRange() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> KeelConfig.fromMap(Map.of("offsets.topic.num.partitions", "0")));

        assertTrue(ex.getMessage().startsWith("Invalid value 0 for configuration offsets.topic.num.partitions"),
            ex.getMessage());
    }

    @Test
    void shouldPreferRetentionMsOverHoursWhenBothAreSet() {
        final KeelConfig config = KeelConfig.fromMap(Map.of("log.retention.ms", "5000", "log.retention.hours", "1"));

        assertEquals(5000L, config.defaultLogConfig().retentionMs());
    }

    @Test
    void shouldRefuseCompactionAsDefaultCleanupPolicy() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> KeelConfig.fromMap(Map.of("log.cleanup.policy", "compact")));

        assertEquals("Invalid value compact for configuration log.cleanup.policy: allowed [delete] (Keel has no log "
            + "compaction)", ex.getMessage());
    }
}
