package keel.replication;

import keel.log.ErrorCode;

/**
 * Result codes of the replication layer. Each value equals the error code of Apache Kafka's protocol
 * ({@code org.apache.kafka.common.protocol.Errors}) for the same outcome, as {@link ErrorCode} does for the engine,
 * so the server copies them into responses without a table. Engine codes ({@link ErrorCode}) pass through
 * unchanged. Stateless; thread-safe.
 */
public final class ReplicationError {
    /** Success. Kafka {@code NONE}. */
    public static final int NONE = ErrorCode.NONE;
    /** The fetch offset is outside the leader's log. Kafka {@code OFFSET_OUT_OF_RANGE}. */
    public static final int OFFSET_OUT_OF_RANGE = ErrorCode.OFFSET_OUT_OF_RANGE;
    /** This broker has no replica of the partition. Kafka {@code UNKNOWN_TOPIC_OR_PARTITION}. */
    public static final int UNKNOWN_TOPIC_OR_PARTITION = 3;
    /** This broker is not the leader (a write or a follower fetch sent to a follower or a deposed leader).
     * Kafka {@code NOT_LEADER_OR_FOLLOWER}. */
    public static final int NOT_LEADER_OR_FOLLOWER = 6;
    /** A request got no answer in time. Kafka {@code REQUEST_TIMED_OUT}. */
    public static final int REQUEST_TIMED_OUT = 7;
    /** The transport lost the connection or the request. Kafka {@code NETWORK_EXCEPTION}. */
    public static final int NETWORK_EXCEPTION = 13;
    /** acks=all refused before the append: the in-sync set is smaller than min.insync.replicas.
     * Kafka {@code NOT_ENOUGH_REPLICAS}. */
    public static final int NOT_ENOUGH_REPLICAS = 19;
    /** acks=all appended, but the in-sync set shrank below min.insync.replicas before it was replicated.
     * Kafka {@code NOT_ENOUGH_REPLICAS_AFTER_APPEND}. */
    public static final int NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20;
    /** An I/O failure in the log directory. Kafka {@code KAFKA_STORAGE_ERROR}. */
    public static final int KAFKA_STORAGE_ERROR = ErrorCode.KAFKA_STORAGE_ERROR;
    /** The request carries a leader epoch older than the replica's. Kafka {@code FENCED_LEADER_EPOCH}. */
    public static final int FENCED_LEADER_EPOCH = 74;
    /** The request carries a leader epoch newer than the replica knows. Kafka {@code UNKNOWN_LEADER_EPOCH}. */
    public static final int UNKNOWN_LEADER_EPOCH = 75;
    /** A conditional write of the partition state found a newer version. Kafka {@code INVALID_UPDATE_VERSION}. */
    public static final int INVALID_UPDATE_VERSION = 95;

    private ReplicationError() {
    }

    /**
     * @param code a replication or engine code.
     * @return its Kafka name.
     */
    public static String name(final int code) {
        switch (code) {
            case UNKNOWN_TOPIC_OR_PARTITION: return "UNKNOWN_TOPIC_OR_PARTITION";
            case NOT_LEADER_OR_FOLLOWER: return "NOT_LEADER_OR_FOLLOWER";
            case REQUEST_TIMED_OUT: return "REQUEST_TIMED_OUT";
            case NETWORK_EXCEPTION: return "NETWORK_EXCEPTION";
            case NOT_ENOUGH_REPLICAS: return "NOT_ENOUGH_REPLICAS";
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
            case FENCED_LEADER_EPOCH: return "FENCED_LEADER_EPOCH";
            case UNKNOWN_LEADER_EPOCH: return "UNKNOWN_LEADER_EPOCH";
            case INVALID_UPDATE_VERSION: return "INVALID_UPDATE_VERSION";
            default: return ErrorCode.name(code);
        }
    }
}
