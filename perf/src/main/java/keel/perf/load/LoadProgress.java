package keel.perf.load;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a running load, read by the progress printer while the load threads add to them. Thread-safe.
 */
public final class LoadProgress {

    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private volatile long startNs = System.nanoTime();

    /** Restarts the clock of {@link #elapsedNs()}. */
    public void start() {
        startNs = System.nanoTime();
    }

    /**
     * @param recordCount records completed
     * @param byteCount   their payload bytes
     */
    public void add(final long recordCount, final long byteCount) {
        records.add(recordCount);
        bytes.add(byteCount);
    }

    /** @return records completed so far */
    public long records() {
        return records.sum();
    }

    /** @return payload bytes completed so far */
    public long bytes() {
        return bytes.sum();
    }

    /** @return nanoseconds since {@link #start()} */
    public long elapsedNs() {
        return System.nanoTime() - startNs;
    }
}
