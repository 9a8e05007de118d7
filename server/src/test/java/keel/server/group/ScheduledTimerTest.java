package keel.server.group;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduledTimerTest {
    @Test
    @Timeout(10)
    void shouldRunATaskWhenItFallsDue() throws InterruptedException {
        try (ScheduledTimer timer = new ScheduledTimer("test-timer")) {
            final CountDownLatch ran = new CountDownLatch(1);

            timer.schedule(1, ran::countDown);

            assertTrue(ran.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(10)
    void shouldDropACancelledTaskFromItsQueueWhenCancelled() {
        try (ScheduledTimer timer = new ScheduledTimer("test-timer")) {
            final Timer.Timeout timeout = timer.schedule(60_000, () -> {
                throw new AssertionError("cancelled task ran");
            });

            timeout.cancel();

            assertEquals(0, timer.executor().shutdownNow().size());
        }
    }
}
