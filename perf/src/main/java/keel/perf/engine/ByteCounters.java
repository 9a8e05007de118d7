package keel.perf.engine;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary results next to each benchmark's ops/s: JMH divides these counts by the measured time, so in
 * throughput mode {@code bytes} is reported as bytes per second (divide by 10^6 for MB/s) and {@code records} as
 * records (messages) per second. Confined to the benchmark thread.
 */
@AuxCounters(AuxCounters.Type.OPERATIONS)
@State(Scope.Thread)
public class ByteCounters {
    /** Bytes written to (or read from, or scanned in) the store. */
    public long bytes;
    /** Records or messages. */
    public long records;

    /** Zeroes the counts at the start of each iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        records = 0;
    }

    void add(final long byteCount, final long recordCount) {
        bytes += byteCount;
        records += recordCount;
    }
}
