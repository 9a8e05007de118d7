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
        assertEquals(4 * 1024 * 1024, config.segmentBytes());
        assertEquals(64 * 1024, config.segmentIndexBytes());
    }
}
