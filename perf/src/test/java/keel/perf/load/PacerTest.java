package keel.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PacerTest {

    @Test
    void shouldReturnScheduledTimesWhenBehindSchedule() {
        // Started 1 s ago at 1000/s: the first 1000 events are overdue, so none parks and each reports its slot.
        final long start = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        final Pacer pacer = new Pacer(1000, start);
        for (int i = 0; i < 1000; i++) {
            assertEquals(start + i * 1_000_000L, pacer.awaitNext());
        }
        assertEquals(1000, pacer.events());
    }

    @Test
    void shouldNotWaitWhenRateIsUnlimited() {
        final Pacer pacer = new Pacer(0, System.nanoTime());
        final long before = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertTrue(pacer.awaitNext() >= before);
        }
        assertEquals(100, pacer.events());
    }

    @Test
    void shouldWaitUntilEventIsDueWhenAheadOfSchedule() {
        // At 20/s the second event is due 50 ms after the start: awaitNext returns no earlier than that.
        final long start = System.nanoTime();
        final Pacer pacer = new Pacer(20, start);
        pacer.awaitNext();
        final long due = pacer.awaitNext();
        assertEquals(start + 50_000_000L, due);
        assertTrue(System.nanoTime() - due >= 0);
    }
}
