package keel.replication;

/**
 * The replication settings of one broker, with Kafka's key names. Immutable once built; validated in the
 * setters (fail fast, naming the key, the value and the allowed range). Thread-safe after construction.
 */
public final class ReplicationConfig {
    public static final String REPLICA_LAG_TIME_MAX_MS_CONFIG = "replica.lag.time.max.ms";
    public static final long REPLICA_LAG_TIME_MAX_MS_DEFAULT = 30_000L;
    public static final String REPLICA_LAG_TIME_MAX_MS_DOC = "A follower that has not caught up with the leader's "
        + "log end for this long leaves the in-sync replica set.";
    public static final String REPLICA_FETCH_MAX_BYTES_CONFIG = "replica.fetch.max.bytes";
    public static final int REPLICA_FETCH_MAX_BYTES_DEFAULT = 1024 * 1024;
    public static final String REPLICA_FETCH_MAX_BYTES_DOC = "Bytes a follower fetches per partition per request "
        + "(the first batch is returned even if larger).";
    public static final String REPLICA_FETCH_BACKOFF_MS_CONFIG = "replica.fetch.backoff.ms";
    public static final long REPLICA_FETCH_BACKOFF_MS_DEFAULT = 1000L;
    public static final String REPLICA_FETCH_BACKOFF_MS_DOC = "How long a fetcher waits after an error or an "
        + "empty answer before it fetches again.";
    public static final String REPLICA_FETCH_WAIT_MAX_MS_CONFIG = "replica.fetch.wait.max.ms";
    public static final long REPLICA_FETCH_WAIT_MAX_MS_DEFAULT = 500L;
    public static final String REPLICA_FETCH_WAIT_MAX_MS_DOC = "How long the leader may park a follower's fetch "
        + "that finds no new data.";
    public static final String HW_CHECKPOINT_INTERVAL_MS_CONFIG = "replica.high.watermark.checkpoint.interval.ms";
    public static final long HW_CHECKPOINT_INTERVAL_MS_DEFAULT = 5000L;
    public static final String HW_CHECKPOINT_INTERVAL_MS_DOC = "How often the high watermarks are written to "
        + "replication-offset-checkpoint in each data directory.";

    private long replicaLagTimeMaxMs = REPLICA_LAG_TIME_MAX_MS_DEFAULT;
    private int replicaFetchMaxBytes = REPLICA_FETCH_MAX_BYTES_DEFAULT;
    private long replicaFetchBackoffMs = REPLICA_FETCH_BACKOFF_MS_DEFAULT;
    private long replicaFetchWaitMaxMs = REPLICA_FETCH_WAIT_MAX_MS_DEFAULT;
    private long highWatermarkCheckpointIntervalMs = HW_CHECKPOINT_INTERVAL_MS_DEFAULT;

    public long replicaLagTimeMaxMs() {
        return replicaLagTimeMaxMs;
    }

    /**
     * @param value {@value #REPLICA_LAG_TIME_MAX_MS_CONFIG}, at least 1.
     * @return this.
     */
    public ReplicationConfig replicaLagTimeMaxMs(final long value) {
        replicaLagTimeMaxMs = check(REPLICA_LAG_TIME_MAX_MS_CONFIG, value, 1, Long.MAX_VALUE);
        return this;
    }

    public int replicaFetchMaxBytes() {
        return replicaFetchMaxBytes;
    }

    /**
     * @param value {@value #REPLICA_FETCH_MAX_BYTES_CONFIG}, at least 1.
     * @return this.
     */
    public ReplicationConfig replicaFetchMaxBytes(final int value) {
        replicaFetchMaxBytes = (int) check(REPLICA_FETCH_MAX_BYTES_CONFIG, value, 1, Integer.MAX_VALUE);
        return this;
    }

    public long replicaFetchBackoffMs() {
        return replicaFetchBackoffMs;
    }

    /**
     * @param value {@value #REPLICA_FETCH_BACKOFF_MS_CONFIG}, 0 or more.
     * @return this.
     */
    public ReplicationConfig replicaFetchBackoffMs(final long value) {
        replicaFetchBackoffMs = check(REPLICA_FETCH_BACKOFF_MS_CONFIG, value, 0, Long.MAX_VALUE);
        return this;
    }

    public long replicaFetchWaitMaxMs() {
        return replicaFetchWaitMaxMs;
    }

    /**
     * @param value {@value #REPLICA_FETCH_WAIT_MAX_MS_CONFIG}, 0 or more.
     * @return this.
     */
    public ReplicationConfig replicaFetchWaitMaxMs(final long value) {
        replicaFetchWaitMaxMs = check(REPLICA_FETCH_WAIT_MAX_MS_CONFIG, value, 0, Long.MAX_VALUE);
        return this;
    }

    public long highWatermarkCheckpointIntervalMs() {
        return highWatermarkCheckpointIntervalMs;
    }

    /**
     * @param value {@value #HW_CHECKPOINT_INTERVAL_MS_CONFIG}, at least 1.
     * @return this.
     */
    public ReplicationConfig highWatermarkCheckpointIntervalMs(final long value) {
        highWatermarkCheckpointIntervalMs = check(HW_CHECKPOINT_INTERVAL_MS_CONFIG, value, 1, Long.MAX_VALUE);
        return this;
    }

    private static long check(final String key, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + key + ": allowed range [" + min
                + ", " + max + "]");
        }
        return value;
    }

    @Override
    public String toString() {
        return "ReplicationConfig{" + REPLICA_LAG_TIME_MAX_MS_CONFIG + '=' + replicaLagTimeMaxMs + ", "
            + REPLICA_FETCH_MAX_BYTES_CONFIG + '=' + replicaFetchMaxBytes + ", " + REPLICA_FETCH_BACKOFF_MS_CONFIG + '='
            + replicaFetchBackoffMs + ", " + REPLICA_FETCH_WAIT_MAX_MS_CONFIG + '=' + replicaFetchWaitMaxMs + ", "
            + HW_CHECKPOINT_INTERVAL_MS_CONFIG + '=' + highWatermarkCheckpointIntervalMs + '}';
    }
}
