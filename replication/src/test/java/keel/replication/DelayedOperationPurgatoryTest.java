package keel.replication;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DelayedOperationPurgatoryTest {
    private final DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory("test");

    @AfterEach
    void tearDown() {
        purgatory.close();
    }

    @Test
    void shouldCompleteAtOnceWhenConditionAlreadyHolds() {
        final Op op = new Op(60_000);
        op.ready.set(true);

        assertTrue(purgatory.tryCompleteElseWatch(op, List.of("k")));
        assertEquals(1, op.completions.get());
        assertFalse(op.expired.get());
        assertEquals(0, purgatory.watched());
    }

    @Test
    void shouldCompleteWhenAnEventOnItsKeyMakesConditionHold() {
        final Op op = new Op(60_000);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));
        assertEquals(0, purgatory.checkAndComplete("a"));

        op.ready.set(true);

        assertEquals(1, purgatory.checkAndComplete("b"));
        assertEquals(0, purgatory.checkAndComplete("a"));
        assertEquals(1, op.completions.get());
        assertFalse(op.expired.get());
    }

    @Test
    void shouldExpireWhenDeadlinePassesWithoutEvent() {
        final Op op = new Op(10);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("k")));

        await(() -> op.completions.get() == 1, 10_000, () -> "operation did not expire");
        assertTrue(op.expired.get());
        await(() -> purgatory.watched() == 0, 10_000, () -> "expired operation still watched");
    }

    @Test
    void shouldCompleteAsExpiredAndStopWatchingWhenCancelled() {
        final Op op = new Op(60_000);
        purgatory.tryCompleteElseWatch(op, List.of("a", "b"));

        assertTrue(purgatory.cancel(op));

        assertEquals(1, op.completions.get());
        assertTrue(op.expired.get());
        assertEquals(0, purgatory.watched());
    }

    @Test
    void shouldExpireParkedOperationsWhenClosed() {
        final Op op = new Op(60_000);
        purgatory.tryCompleteElseWatch(op, List.of("k"));

        purgatory.close();

        assertEquals(1, op.completions.get());
        assertTrue(op.expired.get());
    }

    private static final class Op extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicBoolean expired = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();

        Op(final long delayMs) {
            super(delayMs);
        }

        @Override
        protected boolean tryComplete() {
            return ready.get();
        }

        @Override
        protected void onComplete(final boolean wasExpired) {
            expired.set(wasExpired);
            completions.incrementAndGet();
        }
    }
}
