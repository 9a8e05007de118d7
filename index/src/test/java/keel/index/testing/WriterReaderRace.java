package keel.index.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Races one writer thread against a reader on the calling thread, for tests of single-writer publication over
 * memory-mapped files. The writer starts once the reader has run once, so the two really overlap. Whatever
 * fails, the writer is stopped and joined before this returns: a test that then closes (unmaps) the file cannot
 * crash the JVM under a writer that is still storing into it.
 *
 * <p>Confined to the calling thread (it owns the writer thread it starts).
 */
public final class WriterReaderRace {
    /** One step of the writer. */
    @FunctionalInterface
    public interface WriterStep {
        /**
         * @param step the step number, from 1
         * @throws Exception to fail the race
         */
        void run(int step) throws Exception;
    }

    /** One read and its assertions. */
    @FunctionalInterface
    public interface ReaderCheck {
        /**
         * @throws Exception to fail the race
         */
        void run() throws Exception;
    }

    private WriterReaderRace() {
    }

    /**
     * Runs {@code writer} for steps 1 to {@code steps} on a new thread while the calling thread runs
     * {@code reader} until the writer has finished and at least {@code minReads} reads have run.
     *
     * @param name the writer thread's name
     * @param steps the number of writer steps
     * @param writer the writer step
     * @param minReads the least number of reads
     * @param reader the read with its assertions
     * @return the number of reads run
     * @throws Exception the reader's failure, or the writer's (wrapped in an AssertionError)
     */
    public static long run(final String name, final int steps, final WriterStep writer, final long minReads,
                           final ReaderCheck reader) throws Exception {
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch readerStarted = new CountDownLatch(1);
        final Thread thread = new Thread(() -> {
            try {
                readerStarted.await();
                for (int step = 1; step <= steps && !stop.get(); step++) {
                    writer.run(step);
                }
            } catch (final Throwable t) {
                failure.set(t);
            } finally {
                done.set(true);
            }
        }, name);
        thread.start();
        long reads = 0;
        try {
            while (!done.get() || reads < minReads) {
                reader.run();
                reads++;
                readerStarted.countDown();
            }
        } finally {
            stop.set(true);
            readerStarted.countDown();
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("writer " + name + " failed", failure.get());
        }
        return reads;
    }
}
