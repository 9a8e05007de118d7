package keel.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MachineLimitsTest {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureEveryLimitOverTheSameVolumeAndLeaveNoFile() throws IOException, InterruptedException {
        final List<String> announced = new ArrayList<>();
        final List<MachineLimits.Limit> limits = MachineLimits.measure(dir, 4L << 20,
            (name, index) -> announced.add(index + ":" + name));
        assertEquals(List.of("0:mmap-copy", "1:write-fdatasync", "2:page-cache-read", "3:sendfile-loopback",
            "4:tcp-loopback"), announced);
        assertEquals(5, limits.size());
        for (final MachineLimits.Limit limit : limits) {
            assertEquals(4L << 20, limit.bytes(), limit.toString());
            assertTrue(limit.elapsedNs() > 0 && limit.mbPerSec() > 0, limit.toString());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void shouldRejectVolumeWhenNotWholeChunks() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MachineLimits.measure(dir, 1000, (name, index) -> { }));
        assertEquals("volume must be a positive multiple of 1048576 bytes: volumeBytes=1000", e.getMessage());
    }
}
