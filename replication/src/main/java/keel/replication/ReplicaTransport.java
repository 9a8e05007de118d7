package keel.replication;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * How a follower talks to a leader: the Fetch API with a replica id, and OffsetForLeaderEpoch. The server
 * implements it over its Kafka-protocol client connections; tests implement it with a simulated network that can
 * lose, delay and partition traffic. The replication layer never opens a socket.
 *
 * <p>Non-blocking: each call returns at once and answers through its callback, exactly once, on any thread (also
 * inside the call). A request lost by the network must still be answered, with
 * {@link ReplicationError#REQUEST_TIMED_OUT} or {@link ReplicationError#NETWORK_EXCEPTION}, after at most the
 * transport's request timeout: a fetcher has one request in flight per source broker and waits for its answer.
 * Implementations must be thread-safe.
 */
public interface ReplicaTransport {
    /**
     * Sends a Fetch request with {@code replicaId} set to the local broker.
     *
     * @param sourceBrokerId the leader to fetch from.
     * @param replicaId      the fetching (local) broker's id.
     * @param maxWaitMs      how long the leader may park the request when it has no new data for any partition
     *                       ({@code replica.fetch.wait.max.ms}); the fetcher fetches again at once after an
     *                       answer without error, so this wait paces it.
     * @param partitions     what to fetch, one entry per partition led by {@code sourceBrokerId}.
     * @param callback       answered exactly once.
     */
    void fetch(int sourceBrokerId, int replicaId, long maxWaitMs, List<FetchPartition> partitions,
               FetchCallback callback);

    /**
     * Sends an OffsetForLeaderEpoch request (KIP-101/279) for one partition, with the replica id set.
     *
     * @param sourceBrokerId     the leader.
     * @param replicaId          the asking (local) broker's id.
     * @param partition          the partition.
     * @param currentLeaderEpoch the epoch the follower believes current (fencing).
     * @param leaderEpoch        the epoch whose end offset is wanted.
     * @param callback           answered exactly once.
     */
    void offsetForLeaderEpoch(int sourceBrokerId, int replicaId, TopicPartition partition, int currentLeaderEpoch,
                              int leaderEpoch, EpochCallback callback);

    /** The answer to {@link #fetch}. */
    @FunctionalInterface
    interface FetchCallback {
        /**
         * @param errorCode top-level error: {@link ReplicationError#NONE} or a transport failure (then
         *                  {@code results} is empty and every partition must be retried).
         * @param results   per partition; a partition missing from the map counts as
         *                  {@link ReplicationError#NETWORK_EXCEPTION}.
         */
        void onFetch(int errorCode, Map<TopicPartition, FetchResult> results);
    }

    /** The answer to {@link #offsetForLeaderEpoch}. */
    @FunctionalInterface
    interface EpochCallback {
        /**
         * @param result the leader's answer (its error code says whether the rest means anything).
         */
        void onEpochEndOffset(EpochEndOffset result);
    }

    /** One partition of a follower's Fetch request. Immutable. */
    final class FetchPartition {
        private final TopicPartition partition;
        private final long fetchOffset;
        private final int currentLeaderEpoch;
        private final int lastFetchedEpoch;
        private final long logStartOffset;
        private final int maxBytes;

        /**
         * @param partition          the partition.
         * @param fetchOffset        the follower's log end offset: the leader records it as the follower's position.
         * @param currentLeaderEpoch the epoch the follower believes current (fencing: FENCED/UNKNOWN_LEADER_EPOCH).
         * @param lastFetchedEpoch   the epoch of the follower's last batch (KIP-595 field, informative here).
         * @param logStartOffset     the follower's log start offset.
         * @param maxBytes           the byte limit for this partition (replica.fetch.max.bytes).
         */
        public FetchPartition(final TopicPartition partition, final long fetchOffset, final int currentLeaderEpoch,
                              final int lastFetchedEpoch, final long logStartOffset, final int maxBytes) {
            this.partition = partition;
            this.fetchOffset = fetchOffset;
            this.currentLeaderEpoch = currentLeaderEpoch;
            this.lastFetchedEpoch = lastFetchedEpoch;
            this.logStartOffset = logStartOffset;
            this.maxBytes = maxBytes;
        }

        public TopicPartition partition() {
            return partition;
        }

        public long fetchOffset() {
            return fetchOffset;
        }

        public int currentLeaderEpoch() {
            return currentLeaderEpoch;
        }

        public int lastFetchedEpoch() {
            return lastFetchedEpoch;
        }

        public long logStartOffset() {
            return logStartOffset;
        }

        public int maxBytes() {
            return maxBytes;
        }

        @Override
        public String toString() {
            return "FetchPartition{" + partition + ", fetchOffset=" + fetchOffset + ", currentLeaderEpoch="
                + currentLeaderEpoch + ", lastFetchedEpoch=" + lastFetchedEpoch + '}';
        }
    }

    /**
     * One partition of the leader's Fetch response. Immutable, except that the records buffer belongs to the receiver
     * only until the callback returns (see {@link #records()}).
     */
    final class FetchResult {
        private final int errorCode;
        private final long highWatermark;
        private final long logStartOffset;
        private final ByteBuffer records;

        /**
         * @param errorCode      {@link ReplicationError#NONE}, {@link ReplicationError#OFFSET_OUT_OF_RANGE},
         *                       {@link ReplicationError#FENCED_LEADER_EPOCH},
         *                       {@link ReplicationError#UNKNOWN_LEADER_EPOCH},
         *                       {@link ReplicationError#NOT_LEADER_OR_FOLLOWER}, ...
         * @param highWatermark  the leader's high watermark.
         * @param logStartOffset the leader's log start offset.
         * @param records        whole batches from the fetch offset, as stored on the leader (may be empty).
         */
        public FetchResult(final int errorCode, final long highWatermark, final long logStartOffset,
                           final ByteBuffer records) {
            this.errorCode = errorCode;
            this.highWatermark = highWatermark;
            this.logStartOffset = logStartOffset;
            this.records = records;
        }

        /**
         * @param errorCode the error.
         * @return a result carrying only an error.
         */
        public static FetchResult error(final int errorCode) {
            return new FetchResult(errorCode, -1L, -1L, ByteBuffer.allocate(0));
        }

        public int errorCode() {
            return errorCode;
        }

        public long highWatermark() {
            return highWatermark;
        }

        public long logStartOffset() {
            return logStartOffset;
        }

        /**
         * Valid only until the {@link FetchCallback} returns: a transport may read its next response into the same
         * memory (the server's transport does, to avoid a fresh multi-megabyte buffer per fetch). A receiver that
         * keeps records past the callback copies them; the receiver may move position and limit.
         *
         * @return the batches between position and limit.
         */
        public ByteBuffer records() {
            return records;
        }

        @Override
        public String toString() {
            return "FetchResult{error=" + ReplicationError.name(errorCode) + ", highWatermark=" + highWatermark
                + ", logStartOffset=" + logStartOffset + ", bytes=" + records.remaining() + '}';
        }
    }
}
