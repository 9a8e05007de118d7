package keel.perf.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import keel.perf.load.LoadProgress;

/**
 * Prints, every interval, which step of a run is going and how far it is: elapsed time against the planned time,
 * records so far and the rate of the last interval. Writes to the error stream so stdout holds only the report.
 * Thread-safe: the run sets the step, a daemon thread prints.
 */
final class ProgressPrinter implements AutoCloseable {

    private final PrintWriter err;
    private final long intervalNs;
    private final Thread thread;
    private volatile String label = "";
    private volatile LoadProgress progress;
    private volatile long plannedNs;
    private volatile boolean closed;

    ProgressPrinter(final PrintWriter err, final long intervalNs) {
        this.err = err;
        this.intervalNs = intervalNs;
        this.thread = new Thread(this::run, "keel-perf-progress");
        this.thread.setDaemon(true);
    }

    static ProgressPrinter start(final PrintWriter err, final long intervalNs) {
        final ProgressPrinter printer = new ProgressPrinter(err, intervalNs);
        if (intervalNs > 0) {
            printer.thread.start();
        }
        return printer;
    }

    /**
     * Announces a step and starts following its counters.
     *
     * @param stepLabel   e.g. "[3/12] produce-1KiB-acks1 kafka round 2/3"
     * @param live        the step's counters, or null for a step without any
     * @param plannedTime the step's planned duration, 0 when it runs to a count
     */
    void step(final String stepLabel, final LoadProgress live, final long plannedTime) {
        this.label = stepLabel;
        this.progress = live;
        this.plannedNs = plannedTime;
        synchronized (err) {
            err.println(stepLabel);
            err.flush();
        }
    }

    private void run() {
        long lastRecords = 0;
        long lastBytes = 0;
        LoadProgress last = null;
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(intervalNs);
            } catch (final InterruptedException e) {
                return;
            }
            final LoadProgress live = progress;
            if (live == null || closed) {
                continue;
            }
            if (live != last) {
                lastRecords = 0;
                lastBytes = 0;
                last = live;
            }
            final long records = live.records();
            final long bytes = live.bytes();
            final double seconds = intervalNs / 1e9;
            final String planned = plannedNs > 0 ? String.format(Locale.ROOT, "/%.0f s", plannedNs / 1e9) : " s";
            final String line = String.format(Locale.ROOT, "  %s: %.1f%s, %,d records, %,.0f records/s, %.1f MB/s",
                label, live.elapsedNs() / 1e9, planned, records, (records - lastRecords) / seconds,
                (bytes - lastBytes) / seconds / 1e6);
            lastRecords = records;
            lastBytes = bytes;
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
