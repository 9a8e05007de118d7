package keel.server.group;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loaded partition of {@code __consumer_offsets}: its log and the groups it stores. Thread-safe (a concurrent map;
 * each group has its own lock).
 */
final class OffsetsPartition {
    final OffsetsLog log;
    final ConcurrentHashMap<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    /** Only one snapshot of a partition at a time; others skip rather than wait. */
    final AtomicBoolean snapshotting = new AtomicBoolean();
    volatile boolean loading = true;
    /** Bytes the last snapshot wrote: the live state's size in the log. */
    volatile long liveBytes;
    volatile long snapshots;

    OffsetsPartition(final OffsetsLog log) {
        this.log = log;
    }
}
