package keel.server.network;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes held by request frames that were read but not yet completed, over every connection, and
 * enforces {@code queued.max.request.bytes}. Thread-safe: frames are reserved on network threads and may be freed
 * on any thread.
 */
final class FrameMemory {
    private final long limitBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final Runnable onRelease;

    /**
     * @param limitBytes the bound, -1 for none.
     * @param onRelease  run after every release, to wake the network threads waiting for memory; must be cheap.
     */
    FrameMemory(final long limitBytes, final Runnable onRelease) {
        this.limitBytes = limitBytes < 0 ? Long.MAX_VALUE : limitBytes;
        this.onRelease = onRelease;
    }

    /**
     * Reserves memory for one frame. A frame is always admitted when nothing is held, so that a frame as large as
     * the bound (its buffer rounded up to a pool size) can never wait forever.
     *
     * @param bytes the buffer's capacity.
     * @return false when the bound would be exceeded: the caller stops reading and retries later.
     */
    boolean tryReserve(final long bytes) {
        while (true) {
            final long used = usedBytes.get();
            if (used != 0 && bytes > limitBytes - used) {
                return false;
            }
            if (usedBytes.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /**
     * @param bytes what {@link #tryReserve} reserved.
     */
    void release(final long bytes) {
        usedBytes.addAndGet(-bytes);
        onRelease.run();
    }

    /**
     * @return the bytes held now.
     */
    long usedBytes() {
        return usedBytes.get();
    }

    /**
     * @return the bound; {@link Long#MAX_VALUE} for none.
     */
    long limitBytes() {
        return limitBytes;
    }
}
