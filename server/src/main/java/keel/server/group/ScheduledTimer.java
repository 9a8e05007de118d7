package keel.server.group;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timer} on one daemon thread of a {@link ScheduledThreadPoolExecutor} (cancelled tasks are removed from
 * its queue at once, so cancelled heartbeat deadlines do not pile up). Thread-safe.
 */
public final class ScheduledTimer implements Timer, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;

    /**
     * Creates the timer and its thread.
     *
     * @param threadName the name of the timer thread.
     */
    public ScheduledTimer(final String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName(threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Timeout schedule(final long delayMs, final Runnable task) {
        final ScheduledFuture<?> future = executor.schedule(task, Math.max(0L, delayMs), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    /**
     * @return the executor, for tests of the timer itself.
     */
    ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
