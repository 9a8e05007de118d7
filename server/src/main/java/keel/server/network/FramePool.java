package keel.server.network;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Buffers for request frames, recycled by size class so that a steady stream of requests allocates none. Frames
 * up to {@link #MAX_POOLED_BYTES} get a direct buffer of the next power of two (at least {@link #MIN_POOLED_BYTES})
 * and return to the pool when their request completes; each class keeps at most a few buffers
 * ({@link #MAX_CACHED_BYTES_PER_CLASS}), so the pool holds at most about 14 MiB. Larger frames get a heap buffer of
 * exactly their size that the garbage collector reclaims: direct memory is freed only by the collector too, and a
 * heap buffer is the safer place for a rare 100 MB frame. Confined to one network thread.
 */
final class FramePool {
    static final int MIN_POOLED_BYTES = 512;
    static final int MAX_POOLED_BYTES = 1024 * 1024;
    static final int MAX_CACHED_BYTES_PER_CLASS = 2 * 1024 * 1024;
    private static final int MAX_CACHED_BUFFERS_PER_CLASS = 64;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_POOLED_BYTES);
    private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX_POOLED_BYTES);

    private final SizeClass[] classes = new SizeClass[MAX_SHIFT - MIN_SHIFT + 1];
    private volatile long cachedBytes;

    FramePool() {
        for (int i = 0; i < classes.length; i++) {
            final int capacity = MIN_POOLED_BYTES << i;
            final int maxCached = Math.max(2, Math.min(MAX_CACHED_BUFFERS_PER_CLASS,
                MAX_CACHED_BYTES_PER_CLASS / capacity));
            classes[i] = new SizeClass(maxCached);
        }
    }

    /**
     * @param frameSize the frame's size, 0 to {@code Integer.MAX_VALUE}.
     * @return the capacity of the buffer {@link #acquire} returns for it: what the frame holds in memory.
     */
    static int capacityFor(final int frameSize) {
        if (frameSize > MAX_POOLED_BYTES) {
            return frameSize;
        }
        if (frameSize <= MIN_POOLED_BYTES) {
            return MIN_POOLED_BYTES;
        }
        return Integer.highestOneBit(frameSize - 1) << 1;
    }

    /**
     * @param frameSize the frame's size.
     * @return a buffer of capacity {@link #capacityFor}(frameSize), position 0, limit frameSize.
     */
    ByteBuffer acquire(final int frameSize) {
        final int capacity = capacityFor(frameSize);
        final ByteBuffer buffer;
        if (capacity > MAX_POOLED_BYTES) {
            buffer = ByteBuffer.allocate(frameSize);
        } else {
            final SizeClass sizeClass = classes[classIndex(capacity)];
            final ByteBuffer cached = sizeClass.free.pollLast();
            if (cached != null) {
                cachedBytes = cachedBytes - capacity; // single writer: this pool's network thread
                cached.clear();
                buffer = cached;
            } else {
                buffer = ByteBuffer.allocateDirect(capacity);
            }
        }
        buffer.limit(frameSize);
        return buffer;
    }

    /**
     * @param buffer a buffer from {@link #acquire}, no longer used by anyone.
     */
    void release(final ByteBuffer buffer) {
        final int capacity = buffer.capacity();
        if (!buffer.isDirect() || capacity > MAX_POOLED_BYTES) {
            return;
        }
        final SizeClass sizeClass = classes[classIndex(capacity)];
        if (sizeClass.free.size() < sizeClass.maxCached) {
            sizeClass.free.addLast(buffer);
            cachedBytes = cachedBytes + capacity;
        }
    }

    /**
     * @return the bytes of idle buffers kept for reuse; readable from any thread.
     */
    long cachedBytes() {
        return cachedBytes;
    }

    private static int classIndex(final int capacity) {
        return Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT;
    }

    private static final class SizeClass {
        final ArrayDeque<ByteBuffer> free;
        final int maxCached;

        SizeClass(final int maxCached) {
            this.free = new ArrayDeque<>(Math.min(maxCached, 16));
            this.maxCached = maxCached;
        }
    }
}
