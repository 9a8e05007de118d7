package keel.replication.testing;

import java.util.PriorityQueue;

import keel.log.testing.ManualTime;
import keel.replication.Scheduler;

/**
 * A {@link Scheduler} whose tasks run only when a test steps it, in due-time order (ties in submission order), on
 * the test's thread; each step moves the manual clock to the task's due time. Confined to one thread.
 */
public final class ManualScheduler implements Scheduler {
    private final ManualTime time;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;
    private long executed;

    private static final class Task implements Comparable<Task> {
        private final long dueMs;
        private final long sequence;
        private final Runnable runnable;

        Task(final long dueMs, final long sequence, final Runnable runnable) {
            this.dueMs = dueMs;
            this.sequence = sequence;
            this.runnable = runnable;
        }

        @Override
        public int compareTo(final Task o) {
            final int byTime = Long.compare(dueMs, o.dueMs);
            return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
        }
    }

    public ManualScheduler(final ManualTime time) {
        this.time = time;
    }

    public ManualTime time() {
        return time;
    }

    @Override
    public void schedule(final Runnable task, final long delayMs) {
        queue.add(new Task(time.milliseconds() + Math.max(0, delayMs), sequence++, task));
    }

    /**
     * Runs the next task if one is due at or before {@code untilMs}.
     *
     * @param untilMs the time limit.
     * @return true if a task ran.
     */
    public boolean step(final long untilMs) {
        final Task next = queue.peek();
        if (next == null || next.dueMs > untilMs) {
            return false;
        }
        queue.poll();
        if (next.dueMs > time.milliseconds()) {
            time.advance(next.dueMs - time.milliseconds());
        }
        executed++;
        next.runnable.run();
        return true;
    }

    /**
     * Runs every task due within {@code ms} from now (tasks they schedule included), then sets the clock to the end.
     *
     * @param ms       how far to go.
     * @param maxSteps a bound on the steps (a livelock fails instead of hanging).
     * @param afterStep run after every step (invariant checks), or null.
     */
    public void advance(final long ms, final int maxSteps, final Runnable afterStep) {
        final long until = time.milliseconds() + ms;
        int steps = 0;
        while (step(until)) {
            if (afterStep != null) {
                afterStep.run();
            }
            if (++steps > maxSteps) {
                throw new IllegalStateException("More than " + maxSteps + " steps within " + ms + " ms");
            }
        }
        if (time.milliseconds() < until) {
            time.advance(until - time.milliseconds());
        }
    }

    public long executed() {
        return executed;
    }
}
