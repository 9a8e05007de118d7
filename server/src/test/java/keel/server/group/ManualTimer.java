package keel.server.group;

import keel.log.Time;

import java.util.PriorityQueue;

/**
 * A clock and a timer that move only when a test calls {@link #advance}: due tasks run on the test's thread, in
 * deadline order, with the clock set to each task's deadline. Thread-safe enough for tests (synchronized).
 */
final class ManualTimer implements Timer, Time {
    private static final int MAX_TASKS_PER_ADVANCE = 100_000;

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long nowMs;
    private long sequence;

    ManualTimer(final long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public synchronized long milliseconds() {
        return nowMs;
    }

    @Override
    public synchronized long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public synchronized Timeout schedule(final long delayMs, final Runnable task) {
        final Task scheduled = new Task(nowMs + Math.max(0L, delayMs), sequence++, task);
        queue.add(scheduled);
        return () -> {
            synchronized (ManualTimer.this) {
                scheduled.cancelled = true;
                queue.remove(scheduled);
            }
        };
    }

    /**
     * Moves time forward by {@code ms}, running every task that falls due, including tasks they schedule.
     */
    void advance(final long ms) {
        final long target;
        synchronized (this) {
            target = nowMs + ms;
        }
        for (int i = 0; i < MAX_TASKS_PER_ADVANCE; i++) {
            final Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.deadlineMs > target) {
                    nowMs = target;
                    return;
                }
                queue.poll();
                nowMs = Math.max(nowMs, next.deadlineMs);
            }
            if (!next.cancelled) {
                next.task.run();
            }
        }
        throw new IllegalStateException("more than " + MAX_TASKS_PER_ADVANCE + " tasks in one advance");
    }

    synchronized int pendingTasks() {
        return queue.size();
    }

    private static final class Task implements Comparable<Task> {
        final long deadlineMs;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Task(final long deadlineMs, final long sequence, final Runnable task) {
            this.deadlineMs = deadlineMs;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(final Task other) {
            final int byDeadline = Long.compare(deadlineMs, other.deadlineMs);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }
}
