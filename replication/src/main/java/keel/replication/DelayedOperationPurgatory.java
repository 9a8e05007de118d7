package keel.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Holds parked {@link DelayedOperation}s, watched by key (a {@link Partition}), until an event on one of their keys
 * lets them complete ({@link #checkAndComplete(Object)}, called when a partition's high watermark or log end moves)
 * or their deadline passes. Parked operations hold no thread: one timer thread expires them all.
 *
 * <p>Thread-safe. An operation is checked once before it is watched and once after, so an event that happens
 * between the two is never missed (the same recipe as Kafka's {@code DelayedOperationPurgatory}).
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    private final String name;
    private final Map<Object, Watchers> watchers = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    /**
     * Creates a purgatory with its timer thread (a daemon named {@code keel-purgatory-<name>}).
     *
     * @param name what it parks, for the thread name.
     */
    public DelayedOperationPurgatory(final String name) {
        this.name = name;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, "keel-purgatory-" + name);
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Completes the operation now if it can, else parks it under {@code keys} until it can or its deadline passes.
     *
     * @param operation the operation.
     * @param keys      the keys whose events may complete it (at least one).
     * @return true if it completed during this call.
     */
    public boolean tryCompleteElseWatch(final DelayedOperation operation, final List<Object> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("No keys to watch for " + operation + " in purgatory " + name);
        }
        if (operation.tryComplete() && operation.forceComplete(false)) {
            return true;
        }
        if (closed) {
            operation.forceComplete(true);
            return false;
        }
        operation.keys(keys);
        for (final Object key : keys) {
            // a Watchers emptied and removed concurrently refuses the add: take the new one
            while (!watchers.computeIfAbsent(key, k -> new Watchers()).add(operation)) {
                Thread.onSpinWait();
            }
        }
        // second check: an event between the first check and the watch would otherwise be missed
        if (operation.tryComplete() && operation.forceComplete(false)) {
            unwatch(operation);
            return true;
        }
        if (!operation.isCompleted()) {
            operation.timeout(timer.schedule(() -> expire(operation), operation.delayMs(), TimeUnit.MILLISECONDS));
        }
        return false;
    }

    /**
     * Completes every operation watched under {@code key} whose condition now holds.
     *
     * @param key the key an event happened on.
     * @return the number of operations completed.
     */
    public int checkAndComplete(final Object key) {
        final Watchers w = watchers.get(key);
        if (w == null) {
            return 0;
        }
        final int completed = w.tryCompleteWatched();
        removeIfEmpty(key, w);
        return completed;
    }

    /**
     * @return the number of operations watched (an operation watched under two keys counts twice).
     */
    public int watched() {
        int count = 0;
        for (final Watchers w : watchers.values()) {
            count += w.size();
        }
        return count;
    }

    /**
     * Completes an operation now as expired and stops watching it (its requester went away).
     *
     * @param operation a watched operation.
     * @return true if this call completed it.
     */
    public boolean cancel(final DelayedOperation operation) {
        final boolean completed = operation.forceComplete(true);
        unwatch(operation);
        return completed;
    }

    private void expire(final DelayedOperation operation) {
        operation.forceComplete(true);
        unwatch(operation);
    }

    private void unwatch(final DelayedOperation operation) {
        final List<Object> keys = operation.keys();
        if (keys == null) {
            return;
        }
        for (final Object key : keys) {
            final Watchers w = watchers.get(key);
            if (w != null) {
                w.purgeCompleted();
                removeIfEmpty(key, w);
            }
        }
    }

    private void removeIfEmpty(final Object key, final Watchers w) {
        if (w.retireIfEmpty()) {
            watchers.remove(key, w);
        }
    }

    /**
     * Stops the timer and completes every parked operation as expired (shutdown answers parked requests).
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (final Watchers w : watchers.values()) {
            w.expireAll();
        }
        watchers.clear();
    }

    @Override
    public String toString() {
        return "DelayedOperationPurgatory{name=" + name + ", watched=" + watched() + '}';
    }

    /** The operations parked under one key. */
    private static final class Watchers {
        private final List<DelayedOperation> operations = new ArrayList<>();
        private boolean retired;

        synchronized boolean add(final DelayedOperation operation) {
            if (retired) {
                return false;
            }
            operations.add(operation);
            return true;
        }

        synchronized boolean retireIfEmpty() {
            retired = operations.isEmpty();
            return retired;
        }

        synchronized int size() {
            return operations.size();
        }

        int tryCompleteWatched() {
            final List<DelayedOperation> ready = new ArrayList<>();
            synchronized (this) {
                final Iterator<DelayedOperation> it = operations.iterator();
                while (it.hasNext()) {
                    final DelayedOperation op = it.next();
                    if (op.isCompleted()) {
                        it.remove();
                    } else if (op.tryComplete()) {
                        it.remove();
                        ready.add(op);
                    }
                }
            }
            // completion answers a request: outside the lock, so a slow callback blocks no one else's watch
            int completed = 0;
            for (final DelayedOperation op : ready) {
                if (op.forceComplete(false)) {
                    completed++;
                }
            }
            return completed;
        }

        synchronized void purgeCompleted() {
            operations.removeIf(DelayedOperation::isCompleted);
        }

        void expireAll() {
            final List<DelayedOperation> all;
            synchronized (this) {
                all = new ArrayList<>(operations);
                operations.clear();
            }
            for (final DelayedOperation op : all) {
                op.forceComplete(true);
            }
        }
    }
}
