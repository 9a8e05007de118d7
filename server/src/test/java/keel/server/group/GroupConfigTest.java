package keel.server.group;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupConfigTest {
    @Test
    void shouldUseKafkasDefaultsWhenNothingIsSet() {
        final GroupConfig config = GroupConfig.defaults();

        assertEquals(6_000, config.minSessionTimeoutMs());
        assertEquals(1_800_000, config.maxSessionTimeoutMs());
        assertEquals(3_000, config.initialRebalanceDelayMs());
        assertEquals(50, config.offsetsTopicNumPartitions());
        assertEquals(7L * 24 * 60 * 60 * 1000, config.offsetsRetentionMs());
        assertEquals(4096, config.offsetMetadataMaxBytes());
    }

    @Test
    void shouldNameTheKeyTheValueAndTheRangeWhenAValueIsOutOfRange() {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> GroupConfig.fromMap(Map.of(GroupConfig.OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG, "0")));

        assertEquals("Invalid value 0 for configuration offsets.topic.num.partitions: allowed [1, 2147483647]",
            thrown.getMessage());
    }

    @Test
    void shouldRefuseAMaximumSessionTimeoutBelowTheMinimum() {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> GroupConfig.defaults().with(GroupConfig.GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG, 5_000));

        assertEquals("Invalid value 5000 for configuration group.max.session.timeout.ms: allowed [6000, 2147483647]",
            thrown.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownKey() {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> GroupConfig.fromMap(Map.of("group.max.sise", "3")));

        assertTrue(thrown.getMessage().startsWith("Unknown group configuration key group.max.sise"),
            thrown.getMessage());
    }

    @Test
    void shouldTakeRetentionFromTheMillisecondKeyWhenKeelOffsetsRetentionMsIsSet() {
        final GroupConfig config = GroupConfig.fromMap(Map.of(GroupConfig.OFFSETS_RETENTION_MINUTES_CONFIG, "5",
            GroupConfig.OFFSETS_RETENTION_MS_CONFIG, "1500"));

        assertEquals(1_500, config.offsetsRetentionMs());
        assertEquals(1_500, config.with(GroupConfig.GROUP_MAX_SIZE_CONFIG, 3).offsetsRetentionMs());
        assertEquals(300_000, config.with(GroupConfig.OFFSETS_RETENTION_MS_CONFIG, -1).offsetsRetentionMs());
    }

    @Test
    void shouldRefuseZeroWhenKeelOffsetsRetentionMsIsSet() {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> GroupConfig.fromMap(Map.of(GroupConfig.OFFSETS_RETENTION_MS_CONFIG, "0")));

        assertEquals("Invalid value 0 for configuration keel.offsets.retention.ms: must be -1 (use "
            + "offsets.retention.minutes) or at least 1", thrown.getMessage());
    }
}
