package keel.perf.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop to a fixed rate by schedule: event i is due at start + i * interval. The caller parks until the next
 * event is due (no busy spin); when it falls behind (a park overshoots, a send blocks), the due events go out
 * back to back, so the mean rate holds. Confined to one thread.
 */
public final class Pacer {

    private final long intervalNs;
    private final long startNs;
    private long events;

    /**
     * @param ratePerSecond events per second; 0 or less means unlimited
     * @param startNs       the start, from {@link System#nanoTime()}
     */
    public Pacer(final double ratePerSecond, final long startNs) {
        this.intervalNs = ratePerSecond > 0 ? Math.max(1L, Math.round(1e9 / ratePerSecond)) : 0L;
        this.startNs = startNs;
    }

    /**
     * Waits until the next event is due and counts it.
     *
     * @return the time the event was due ({@link System#nanoTime()} scale); now when unlimited
     */
    public long awaitNext() {
        if (intervalNs == 0) {
            events++;
            return System.nanoTime();
        }
        final long dueNs = startNs + events * intervalNs;
        events++;
        long now = System.nanoTime();
        while (now - dueNs < 0) {
            LockSupport.parkNanos(dueNs - now);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            now = System.nanoTime();
        }
        return dueNs;
    }

    /**
     * @return how many events were paced so far
     */
    public long events() {
        return events;
    }
}
