package keel.server.group;

/**
 * Runs tasks after a delay: the coordinator's heartbeat, join, sync and retention deadlines. Production uses
 * {@link ScheduledTimer}; tests use a manual timer that runs due tasks when the test advances time, so expiry is
 * deterministic. Implementations are thread-safe; tasks may run on any thread and must not block.
 */
public interface Timer {
    /**
     * Schedules a task.
     *
     * @param delayMs how long from now (the coordinator's clock) to run it.
     * @param task    the task.
     * @return a handle to cancel it.
     */
    Timeout schedule(long delayMs, Runnable task);

    /**
     * A scheduled task.
     */
    interface Timeout {
        /**
         * Cancels the task if it has not started; idempotent. A task that has started runs to its end, so tasks
         * re-check their condition under the group's lock.
         */
        void cancel();
    }
}
