package keel.index;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
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
     * Tells the kernel that the pages of a mapping are not read in sequence ({@code madvise(MADV_RANDOM)}), which
     * turns off readahead on its page faults. For the writable mapping of the active segment: without it each
     * first-touch fault on a fallocated (unwritten) extent reads ahead a large folio that the kernel fills with zeros,
     * and measured on ext4 (Linux 6.18) touching fresh pages cost ~2.2 CPU-seconds per GB with readahead against
     * ~0.9 without. Only a hint: it changes no data, and it is skipped without JNA or off 64-bit Linux.
     *
     * @param buffer a mapping
     * @return true when the advice was taken
     */
    public static boolean adviseRandom(final MappedByteBuffer buffer) {
        final Madvise.LibC libc = Madvise.LIBC;
        if (libc == null || buffer == null || buffer.capacity() == 0) {
            return false;
        }
        final long address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
        // madvise wants a page-aligned start; a mapping from position 0 is page-aligned already
        final long aligned = address - Math.floorMod(address, Madvise.PAGE);
        return libc.madvise(aligned, buffer.capacity() + (address - aligned), Madvise.MADV_RANDOM) == 0;
    }

    /** libc's madvise, loaded on first use; null when unavailable. */
    private static final class Madvise {
        static final int MADV_RANDOM = 1;
        static final long PAGE = 4096;
        static final LibC LIBC = load();

        interface LibC extends Library {
            int madvise(long address, long length, int advice);
        }

        private static LibC load() {
            if (!Platform.isLinux() || !Platform.is64Bit()) {
                return null;
            }
            try {
                return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
            } catch (final UnsatisfiedLinkError | NoClassDefFoundError ex) {
                return null;
            }
        }
    }

    /**
     * Rounds {@code value} down to a multiple of {@code factor}, e.g. {@code roundDown(67, 8) == 64}.
     */
    static long roundDown(final long value, final int factor) {
        return value - value % factor;
    }
}
