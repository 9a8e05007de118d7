package keel.log;

/**
 * Result codes of the engine for outcomes a caller causes or must expect. Each value is equal to the
 * error code of Apache Kafka's protocol ({@code org.apache.kafka.common.protocol.Errors}) that a broker
 * returns for the same outcome, so the server maps them 1:1 without a table. Stateless; thread-safe.
 */
public final class ErrorCode {
    /** Success. Kafka {@code NONE}. */
    public static final int NONE = 0;
    /** Requested offset is outside the log. Kafka {@code OFFSET_OUT_OF_RANGE}. */
    public static final int OFFSET_OUT_OF_RANGE = 1;
    /** A batch failed its CRC or its framing is invalid. Kafka {@code CORRUPT_MESSAGE}. */
    public static final int CORRUPT_MESSAGE = 2;
    /** A batch is larger than {@code max.message.bytes}. Kafka {@code MESSAGE_TOO_LARGE}. */
    public static final int MESSAGE_TOO_LARGE = 10;
    /** The whole append is larger than a segment can hold. Kafka {@code RECORD_LIST_TOO_LARGE}. */
    public static final int RECORD_LIST_TOO_LARGE = 18;
    /** A timestamp is outside the allowed range. Kafka {@code INVALID_TIMESTAMP}. */
    public static final int INVALID_TIMESTAMP = 32;
    /** Magic other than 2. Kafka {@code UNSUPPORTED_FOR_MESSAGE_FORMAT}. */
    public static final int UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;
    /** Sequence gap for an idempotent producer. Kafka {@code OUT_OF_ORDER_SEQUENCE_NUMBER}. */
    public static final int OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
    /** Duplicate batch of an idempotent producer. Kafka {@code DUPLICATE_SEQUENCE_NUMBER}. */
    public static final int DUPLICATE_SEQUENCE_NUMBER = 46;
    /** Producer epoch older than the one known. Kafka {@code INVALID_PRODUCER_EPOCH}. */
    public static final int INVALID_PRODUCER_EPOCH = 47;
    /** I/O failure or no space in the log directory. Kafka {@code KAFKA_STORAGE_ERROR}. */
    public static final int KAFKA_STORAGE_ERROR = 56;
    /** The producer id is not known. Kafka {@code UNKNOWN_PRODUCER_ID}. */
    public static final int UNKNOWN_PRODUCER_ID = 59;
    /** Compression codec the reader cannot decode. Kafka {@code UNSUPPORTED_COMPRESSION_TYPE}. */
    public static final int UNSUPPORTED_COMPRESSION_TYPE = 76;
    /** A batch or record violates a rule other than CRC/size. Kafka {@code INVALID_RECORD}. */
    public static final int INVALID_RECORD = 87;

    private ErrorCode() {
    }

    /**
     * Name of a code, for messages and tools.
     *
     * @param code one of the constants of this class.
     * @return its Kafka name, or {@code "UNKNOWN(code)"}.
     */
    public static String name(final int code) {
        switch (code) {
            case NONE: return "NONE";
            case OFFSET_OUT_OF_RANGE: return "OFFSET_OUT_OF_RANGE";
            case CORRUPT_MESSAGE: return "CORRUPT_MESSAGE";
            case MESSAGE_TOO_LARGE: return "MESSAGE_TOO_LARGE";
            case RECORD_LIST_TOO_LARGE: return "RECORD_LIST_TOO_LARGE";
            case INVALID_TIMESTAMP: return "INVALID_TIMESTAMP";
            case UNSUPPORTED_FOR_MESSAGE_FORMAT: return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
            case OUT_OF_ORDER_SEQUENCE_NUMBER: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
            case DUPLICATE_SEQUENCE_NUMBER: return "DUPLICATE_SEQUENCE_NUMBER";
            case INVALID_PRODUCER_EPOCH: return "INVALID_PRODUCER_EPOCH";
            case KAFKA_STORAGE_ERROR: return "KAFKA_STORAGE_ERROR";
            case UNKNOWN_PRODUCER_ID: return "UNKNOWN_PRODUCER_ID";
            case UNSUPPORTED_COMPRESSION_TYPE: return "UNSUPPORTED_COMPRESSION_TYPE";
            case INVALID_RECORD: return "INVALID_RECORD";
            default: return "UNKNOWN(" + code + ")";
        }
    }
}
