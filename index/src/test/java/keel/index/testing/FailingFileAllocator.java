package keel.index.testing;

import keel.index.FileAllocator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A {@link FileAllocator} that simulates a full disk: once armed, allocations fail with the message the system
 * allocator gives for ENOSPC. Until then it delegates.
 *
 * <p>Thread-safe.
 */
public final class FailingFileAllocator implements FileAllocator {
    private final FileAllocator delegate;
    private volatile boolean failing;
    private volatile int allocations;

    /**
     * @param delegate the allocator used while not failing, e.g. {@link FileAllocator#SYSTEM}
     */
    public FailingFileAllocator(final FileAllocator delegate) {
        this.delegate = delegate;
    }

    /**
     * @param failing true to make every following allocation fail
     * @return this
     */
    public FailingFileAllocator failing(final boolean failing) {
        this.failing = failing;
        return this;
    }

    /**
     * @return the number of allocate calls so far, failed ones included
     */
    public int allocations() {
        return allocations;
    }

    @Override
    public synchronized void allocate(final Path file, final FileChannel channel, final long sizeBytes)
        throws IOException {
        allocations++;
        if (failing) {
            throw new IOException("Failed to allocate " + sizeBytes + " bytes for " + file
                + ": No space left on device (errno 28)");
        }
        delegate.allocate(file, channel, sizeBytes);
    }
}
