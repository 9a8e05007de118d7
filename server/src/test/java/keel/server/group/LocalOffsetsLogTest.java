package keel.server.group;

import keel.log.LogConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalOffsetsLogTest {
    @Test
    void shouldTurnRetentionOffWhenConfiguringAnOffsetsPartition() {
        final LogConfig config = LocalOffsetsLog.logConfig(LogConfig.defaults(), GroupConfig.defaults());

        assertEquals(-1L, config.retentionMs());
        assertEquals(-1L, config.retentionBytes());
        assertEquals(GroupConfig.OFFSETS_TOPIC_SEGMENT_BYTES_DEFAULT, config.segmentBytes());
    }
}
