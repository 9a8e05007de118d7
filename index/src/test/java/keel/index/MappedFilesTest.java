package keel.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MappedFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakeRandomAdviceAndKeepDataWhenMappingIsWritable() throws IOException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "madvise is used on Linux only");
        final Path file = dir.resolve("advised.log");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            final MappedByteBuffer map = MappedFiles.map(file, channel, FileChannel.MapMode.READ_WRITE, 64 * 1024);
            map.putInt(4096, 42);

            assertTrue(MappedFiles.adviseRandom(map));
            assertEquals(42, map.getInt(4096));
        }
    }
}
