package keel.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Gives a file real disk blocks before it is written through a memory mapping. A store into a sparse hole of a
 * mapping when the disk is full raises SIGBUS and kills the JVM; a file whose blocks were allocated up front cannot
 * hit that, and a full disk surfaces here as an {@link IOException} instead. This is the seam where tests inject
 * allocation failures.
 *
 * <p>Implementations are thread-safe.
 */
public interface FileAllocator {
    /**
     * The system allocator: {@code posix_fallocate} through JNA on Linux, falling back to writing zeros where the
     * native call is unavailable or the file system does not support it.
     */
    FileAllocator SYSTEM = PosixFileAllocator.create();

    /**
     * Makes {@code file} at least {@code sizeBytes} long, backed by real blocks. Never shrinks the file.
     *
     * @param file the path of the file, used to open it natively and in error messages
     * @param channel a channel open for writing on the same file
     * @param sizeBytes the size the file must have at least
     * @throws IOException if the blocks cannot be allocated; the message names the file, the size and the cause,
     *                     e.g. "No space left on device"
     */
    void allocate(Path file, FileChannel channel, long sizeBytes) throws IOException;
}
