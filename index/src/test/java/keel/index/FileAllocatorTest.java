package keel.index;

import keel.index.testing.FileBlocks;
import keel.index.testing.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileAllocatorTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldUseNativeAllocationWhenOnLinux() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        assertTrue(((PosixFileAllocator) FileAllocator.SYSTEM).isNative());
    }

    @Test
    void shouldAllocateRealBlocksWhenNative() throws IOException {
        assertAllocatesRealBlocks(nativeAllocator(), 3 * MIB + 5);
    }

    @Test
    void shouldAllocateRealBlocksWhenZeroFilling() throws IOException {
        assertAllocatesRealBlocks(PosixFileAllocator.zeroFilling(), 3 * MIB + 5);
    }

    @Test
    void shouldNotShrinkWhenNativeAndFileLonger() throws IOException {
        assertDoesNotShrink(nativeAllocator());
    }

    @Test
    void shouldNotShrinkWhenZeroFillingAndFileLonger() throws IOException {
        assertDoesNotShrink(PosixFileAllocator.zeroFilling());
    }

    @Test
    void shouldKeepContentWhenZeroFillingExtendsFile() throws IOException {
        final Path file = dir.resolve("content");
        Files.write(file, new byte[] {1, 2, 3});
        try (FileChannel channel = openChannel(file)) {
            PosixFileAllocator.zeroFilling().allocate(file, channel, 2 * MIB);
        }
        final byte[] bytes = Files.readAllBytes(file);
        assertEquals(2 * MIB, bytes.length);
        assertEquals(1, bytes[0]);
        assertEquals(3, bytes[2]);
        assertEquals(0, bytes[3]);
    }

    @Test
    void shouldFillHolesWhenNativeAndFileSparse() throws IOException {
        final FileAllocator allocator = nativeAllocator();
        final Path file = dir.resolve("sparse");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(4 * MIB);
        }
        assumeTrue(FileBlocks.allocatedBytes(file) < 4 * MIB, "file system does not make sparse files");

        try (FileChannel channel = openChannel(file)) {
            allocator.allocate(file, channel, 4 * MIB);
        }

        assertEquals(4 * MIB, Files.size(file));
        assertTrue(FileBlocks.allocatedBytes(file) >= 4 * MIB, "allocated " + FileBlocks.allocatedBytes(file));
    }

    @Test
    void shouldNameFileSizeAndErrnoWhenNativeOpenFails() throws IOException {
        final FileAllocator allocator = nativeAllocator();
        final Path file = dir.resolve("gone");
        try (FileChannel channel = openChannel(file)) {
            Files.delete(file);
            final IOException ex = assertThrows(IOException.class, () -> allocator.allocate(file, channel, 4096));
            assertEquals("Failed to open " + file + " to allocate 4096 bytes: No such file or directory (errno 2)",
                ex.getMessage());
        }
    }

    @Test
    void shouldRejectNegativeSizeWhenAllocating() throws IOException {
        final Path file = dir.resolve("negative");
        try (FileChannel channel = openChannel(file)) {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> FileAllocator.SYSTEM.allocate(file, channel, -1));
            assertEquals("sizeBytes=-1 must not be negative, file=" + file, ex.getMessage());
        }
    }

    @Test
    void shouldDescribeNoSpaceWhenErrnoIsEnospc() {
        assertEquals("No space left on device", PosixFileAllocator.describe(PosixFileAllocator.ENOSPC));
        assertEquals("errno 4242", PosixFileAllocator.describe(4242));
    }

    @Test
    void shouldFailWithNoSpaceLeftWhenNativeAndDiskFull() throws IOException {
        assertFailsWhenDiskFull(nativeAllocator(), true);
    }

    @Test
    void shouldFailWithNoSpaceLeftWhenZeroFillingAndDiskFull() throws IOException {
        assertFailsWhenDiskFull(PosixFileAllocator.zeroFilling(), false);
    }

    private void assertFailsWhenDiskFull(final FileAllocator allocator, final boolean nativeMessage)
        throws IOException {
        final Path mountPoint = Files.createDirectory(dir.resolve("full"));
        try (Tmpfs tmpfs = Tmpfs.mountOrSkip(mountPoint, 4 * MIB)) {
            final Path file = tmpfs.dir().resolve("big");
            try (FileChannel channel = openChannel(file)) {
                final IOException ex = assertThrows(IOException.class,
                    () -> allocator.allocate(file, channel, 16 * MIB));
                assertTrue(ex.getMessage().contains("No space left on device"), ex.getMessage());
                if (nativeMessage) {
                    assertEquals("Failed to allocate " + 16 * MIB + " bytes for " + file
                        + ": No space left on device (errno 28)", ex.getMessage());
                }
            }
        }
    }

    private void assertAllocatesRealBlocks(final FileAllocator allocator, final long sizeBytes) throws IOException {
        final Path file = dir.resolve("allocated");
        try (FileChannel channel = openChannel(file)) {
            allocator.allocate(file, channel, sizeBytes);
        }
        assertEquals(sizeBytes, Files.size(file));
        final long allocated = FileBlocks.allocatedBytes(file);
        assertTrue(allocated >= sizeBytes, "allocated " + allocated + " bytes for a file of " + sizeBytes);
    }

    private void assertDoesNotShrink(final FileAllocator allocator) throws IOException {
        final Path file = dir.resolve("long");
        Files.write(file, new byte[8192]);
        try (FileChannel channel = openChannel(file)) {
            allocator.allocate(file, channel, 100);
        }
        assertEquals(8192, Files.size(file));
    }

    private static FileAllocator nativeAllocator() {
        final PosixFileAllocator allocator = (PosixFileAllocator) FileAllocator.SYSTEM;
        assumeTrue(allocator.isNative(), "posix_fallocate is not available here");
        return allocator;
    }

    private static FileChannel openChannel(final Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
