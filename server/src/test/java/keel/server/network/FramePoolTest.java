package keel.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FramePoolTest {
    @Test
    void shouldRoundUpToPowerOfTwoWhenFrameFitsPool() {
        assertEquals(512, FramePool.capacityFor(0));
        assertEquals(512, FramePool.capacityFor(512));
        assertEquals(1024, FramePool.capacityFor(513));
        assertEquals(FramePool.MAX_POOLED_BYTES, FramePool.capacityFor(FramePool.MAX_POOLED_BYTES));
        assertEquals(FramePool.MAX_POOLED_BYTES + 1, FramePool.capacityFor(FramePool.MAX_POOLED_BYTES + 1));
        assertEquals(Integer.MAX_VALUE, FramePool.capacityFor(Integer.MAX_VALUE));
    }

    @Test
    void shouldReuseReleasedBufferWhenSameClassRequested() {
        final FramePool pool = new FramePool();
        final ByteBuffer first = pool.acquire(700);
        first.put(0, (byte) 1).position(10);
        pool.release(first);

        final ByteBuffer second = pool.acquire(1000);

        assertSame(first, second);
        assertEquals(0, second.position());
        assertEquals(1000, second.limit());
        assertEquals(0, pool.cachedBytes());
    }

    @Test
    void shouldUseExactHeapBufferWhenFrameExceedsPool() {
        final FramePool pool = new FramePool();

        final ByteBuffer large = pool.acquire(FramePool.MAX_POOLED_BYTES + 1);
        pool.release(large);

        assertFalse(large.isDirect());
        assertEquals(FramePool.MAX_POOLED_BYTES + 1, large.capacity());
        assertEquals(0, pool.cachedBytes());
        assertNotSame(large, pool.acquire(FramePool.MAX_POOLED_BYTES + 1));
    }

    @Test
    void shouldCacheAtMostTheClassBoundWhenManyBuffersReleased() {
        final FramePool pool = new FramePool();
        final List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(pool.acquire(FramePool.MAX_POOLED_BYTES));
        }
        assertTrue(held.get(0).isDirect());

        held.forEach(pool::release);

        assertEquals(FramePool.MAX_CACHED_BYTES_PER_CLASS, pool.cachedBytes());
    }
}
