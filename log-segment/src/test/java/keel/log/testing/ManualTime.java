package keel.log.testing;

import keel.log.Time;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so.
 */
public final class ManualTime implements Time {
    private final AtomicLong nowMs;

    public ManualTime(final long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return nowMs.get() * 1_000_000L;
    }

    public void advance(final long ms) {
        nowMs.addAndGet(ms);
    }
}
