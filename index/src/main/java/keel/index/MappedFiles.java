package keel.index;

import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Helpers for memory-mapped files shared by the indexes and the log segments.
 *
 * <p>Stateless: thread-safe, but see {@link #unmap(MappedByteBuffer)} for the rule its callers must keep.
 */
public final class MappedFiles {
    private MappedFiles() {
    }

    /**
     * Unmaps a buffer at once instead of waiting for the garbage collector, so that the address space and, for a
     * deleted file, the disk space are freed now (KAFKA-4614: unmapping in a GC pause stalled the JVM).
     *
     * <p>Any access to the buffer afterwards crashes the JVM (SIGSEGV): call this only when no thread can touch
     * the buffer any more. Needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}.
     *
     * @param buffer the buffer to unmap; null is ignored
     */
    public static void unmap(final MappedByteBuffer buffer) {
        if (buffer != null) {
            IoUtil.unmap(buffer);
        }
    }

    /**
     * Maps {@code sizeBytes} of a file from position 0, checking the size against what one buffer can address.
     *
     * @param file the file's path, for the error message
     * @param channel the channel, open for reading (and writing for {@link FileChannel.MapMode#READ_WRITE})
     * @param mode the map mode
     * @param sizeBytes the number of bytes to map
     * @return the mapping
     * @throws IOException if mapping fails or the size exceeds {@link Integer#MAX_VALUE}
     */
    public static MappedByteBuffer map(
        final Path file, final FileChannel channel, final FileChannel.MapMode mode, final long sizeBytes)
        throws IOException {
        if (sizeBytes < 0 || sizeBytes > Integer.MAX_VALUE) {
            throw new IOException("Cannot map " + sizeBytes + " bytes of " + file + ": a mapping holds 0 to "
                + Integer.MAX_VALUE + " bytes");
        }
        return channel.map(mode, 0, sizeBytes);
    }

    /**
     * Rounds {@code value} down to a multiple of {@code factor}, e.g. {@code roundDown(67, 8) == 64}.
     */
    static long roundDown(final long value, final int factor) {
        return value - value % factor;
    }
}
