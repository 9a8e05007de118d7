package keel.index;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * {@link FileAllocator} that calls libc {@code posix_fallocate} through JNA on 64-bit Linux, and otherwise writes
 * zeros with {@link FileChannel#write(ByteBuffer, long)}. Both give real blocks; only the native call also fills
 * holes inside the existing length (e.g. of an index file that Kafka preallocated sparsely).
 *
 * <p>Thread-safe: no mutable state.
 */
final class PosixFileAllocator implements FileAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(PosixFileAllocator.class);

    /** Linux {@code O_RDWR}; the same on every Linux architecture. */
    private static final int O_RDWR = 2;
    /** Linux errno values (asm-generic, x86 and arm). */
    static final int EINTR = 4;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;

    private static final int ZERO_CHUNK_BYTES = 1 << 20;
    private static final int MAX_EINTR_RETRIES = 16;

    private final LibC libc;

    /**
     * The libc functions used. Declared with 64-bit {@code off_t}, so only loaded on 64-bit Linux.
     */
    interface LibC extends Library {
        int open(String path, int flags);

        int close(int fd);

        int posix_fallocate(int fd, long offset, long len);
    }

    private PosixFileAllocator(final LibC libc) {
        this.libc = libc;
    }

    static FileAllocator create() {
        return new PosixFileAllocator(loadLibC());
    }

    /**
     * An allocator that never calls native code: tests of the zero-writing path, and platforms without JNA.
     */
    static FileAllocator zeroFilling() {
        return new PosixFileAllocator(null);
    }

    boolean isNative() {
        return libc != null;
    }

    @Override
    public void allocate(final Path file, final FileChannel channel, final long sizeBytes) throws IOException {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes=" + sizeBytes + " must not be negative, file=" + file);
        }
        if (sizeBytes == 0) {
            return;
        }
        if (libc != null && allocateNatively(file, sizeBytes)) {
            return;
        }
        writeZeros(channel, sizeBytes);
    }

    /**
     * @return true if allocated, false if the file system does not support the call and zeros must be written
     */
    private boolean allocateNatively(final Path file, final long sizeBytes) throws IOException {
        final int fd = libc.open(file.toString(), O_RDWR);
        if (fd < 0) {
            final int errno = Native.getLastError();
            throw new IOException("Failed to open " + file + " to allocate " + sizeBytes + " bytes: "
                + describe(errno) + " (errno " + errno + ")");
        }
        try {
            // Allocation applies to the inode, so this descriptor serves the caller's channel too. From offset 0:
            // fills any hole below the current length as well as extending the file.
            int result = libc.posix_fallocate(fd, 0, sizeBytes);
            for (int retry = 0; result == EINTR && retry < MAX_EINTR_RETRIES; retry++) {
                result = libc.posix_fallocate(fd, 0, sizeBytes);
            }
            if (result == 0) {
                return true;
            }
            if (result == EOPNOTSUPP || result == EINVAL) {
                return false;
            }
            throw new IOException("Failed to allocate " + sizeBytes + " bytes for " + file + ": "
                + describe(result) + " (errno " + result + ")");
        } finally {
            libc.close(fd);
        }
    }

    private static void writeZeros(final FileChannel channel, final long sizeBytes) throws IOException {
        long position = channel.size();
        if (position >= sizeBytes) {
            return;
        }
        final ByteBuffer zeros = Zeros.BUFFER.duplicate();
        while (position < sizeBytes) {
            zeros.clear();
            zeros.limit((int) Math.min(ZERO_CHUNK_BYTES, sizeBytes - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
    }

    /**
     * The C library's text for an errno, for the common allocation errors independent of the process locale.
     */
    static String describe(final int errno) {
        switch (errno) {
            case 1:
                return "Operation not permitted";
            case 2:
                return "No such file or directory";
            case EINTR:
                return "Interrupted system call";
            case 5:
                return "Input/output error";
            case 9:
                return "Bad file descriptor";
            case 13:
                return "Permission denied";
            case 19:
                return "No such device";
            case 21:
                return "Is a directory";
            case EINVAL:
                return "Invalid argument";
            case 27:
                return "File too large";
            case ENOSPC:
                return "No space left on device";
            case 29:
                return "Illegal seek";
            case 30:
                return "Read-only file system";
            case EOPNOTSUPP:
                return "Operation not supported";
            case 122:
                return "Disk quota exceeded";
            default:
                return "errno " + errno;
        }
    }

    private static LibC loadLibC() {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            LOG.info("posix_fallocate not used on {} (64-bit Linux only); files are allocated by writing zeros",
                System.getProperty("os.name"));
            return null;
        }
        try {
            return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        } catch (final UnsatisfiedLinkError | NoClassDefFoundError ex) {
            // JNA is optional at run time: without it files still get real blocks, written as zeros.
            LOG.warn("posix_fallocate unavailable, files are allocated by writing zeros", ex);
            return null;
        }
    }

    /** Holder so that the 1 MiB of zeros is only allocated by a JVM that writes zeros. */
    private static final class Zeros {
        static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES).asReadOnlyBuffer();
    }
}
