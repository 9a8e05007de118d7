package keel.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class FrameMemoryTest {
    private final AtomicInteger wakeups = new AtomicInteger();

    @Test
    void shouldRefuseReservationWhenBoundWouldBeExceeded() {
        final FrameMemory memory = new FrameMemory(1000, wakeups::incrementAndGet);
        assertTrue(memory.tryReserve(600));

        assertFalse(memory.tryReserve(401));
        assertTrue(memory.tryReserve(400));
        assertEquals(1000, memory.usedBytes());
    }

    @Test
    void shouldAdmitFrameLargerThanBoundWhenNothingIsHeld() {
        final FrameMemory memory = new FrameMemory(1000, wakeups::incrementAndGet);

        assertTrue(memory.tryReserve(1024));

        assertFalse(memory.tryReserve(1));
    }

    @Test
    void shouldWakeWaitersWhenMemoryReleased() {
        final FrameMemory memory = new FrameMemory(1000, wakeups::incrementAndGet);
        memory.tryReserve(1000);

        memory.release(1000);

        assertEquals(0, memory.usedBytes());
        assertEquals(1, wakeups.get());
        assertTrue(memory.tryReserve(1000));
    }

    @Test
    void shouldNeverRefuseWhenUnbounded() {
        final FrameMemory memory = new FrameMemory(-1, wakeups::incrementAndGet);

        assertTrue(memory.tryReserve(Integer.MAX_VALUE));
        assertTrue(memory.tryReserve(Integer.MAX_VALUE));

        assertEquals(Long.MAX_VALUE, memory.limitBytes());
    }
}
