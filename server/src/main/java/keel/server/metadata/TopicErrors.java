package keel.server.metadata;

/**
 * Error codes of metadata operations, equal to Apache Kafka's protocol error codes for the same outcome (the protocol
 * package maps them 1:1, like the engine's {@code keel.log.ErrorCode}). Stateless.
 */
public final class TopicErrors {
    /** Kafka UNKNOWN_TOPIC_OR_PARTITION. */
    public static final int UNKNOWN_TOPIC_OR_PARTITION = 3;
    /** Kafka INVALID_TOPIC_EXCEPTION. */
    public static final int INVALID_TOPIC = 17;
    /** Kafka TOPIC_ALREADY_EXISTS. */
    public static final int TOPIC_ALREADY_EXISTS = 36;
    /** Kafka INVALID_PARTITIONS. */
    public static final int INVALID_PARTITIONS = 37;
    /** Kafka INVALID_REPLICATION_FACTOR. */
    public static final int INVALID_REPLICATION_FACTOR = 38;
    /** Kafka INVALID_REPLICA_ASSIGNMENT. */
    public static final int INVALID_REPLICA_ASSIGNMENT = 39;
    /** Kafka INVALID_CONFIG. */
    public static final int INVALID_CONFIG = 40;
    /** Kafka INVALID_REQUEST. */
    public static final int INVALID_REQUEST = 42;
    /** Kafka KAFKA_STORAGE_ERROR. */
    public static final int KAFKA_STORAGE_ERROR = 56;
    /** Kafka TOPIC_DELETION_DISABLED. */
    public static final int TOPIC_DELETION_DISABLED = 73;
    /** Kafka UNKNOWN_TOPIC_ID. */
    public static final int UNKNOWN_TOPIC_ID = 100;

    private TopicErrors() {
    }
}
