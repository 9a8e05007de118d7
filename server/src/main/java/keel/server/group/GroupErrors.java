package keel.server.group;

/**
 * Result codes of the group coordinator. Each value equals the code of the Kafka {@code Errors} constant of the same
 * name, so the protocol layer writes it into a response as it is. Stateless: thread-safe.
 */
public final class GroupErrors {
    /** Kafka {@code Errors.NONE}. */
    public static final short NONE = 0;
    /** Kafka {@code Errors.UNKNOWN_SERVER_ERROR}: an append of the group failed in an unexpected way. */
    public static final short UNKNOWN_SERVER_ERROR = -1;
    /** Kafka {@code Errors.OFFSET_METADATA_TOO_LARGE}: a commit's metadata string is over offset.metadata.max.bytes. */
    public static final short OFFSET_METADATA_TOO_LARGE = 12;
    /** Kafka {@code Errors.COORDINATOR_LOAD_IN_PROGRESS}: the group's offsets partition is being loaded. */
    public static final short COORDINATOR_LOAD_IN_PROGRESS = 14;
    /** Kafka {@code Errors.COORDINATOR_NOT_AVAILABLE}: the group is dead or its storage failed; find it again. */
    public static final short COORDINATOR_NOT_AVAILABLE = 15;
    /** Kafka {@code Errors.NOT_COORDINATOR}: this coordinator does not own the group's offsets partition. */
    public static final short NOT_COORDINATOR = 16;
    /** Kafka {@code Errors.ILLEGAL_GENERATION}. */
    public static final short ILLEGAL_GENERATION = 22;
    /** Kafka {@code Errors.INCONSISTENT_GROUP_PROTOCOL}: protocol type or protocols do not match the group's. */
    public static final short INCONSISTENT_GROUP_PROTOCOL = 23;
    /** Kafka {@code Errors.INVALID_GROUP_ID}: an empty group id. */
    public static final short INVALID_GROUP_ID = 24;
    /** Kafka {@code Errors.UNKNOWN_MEMBER_ID}. */
    public static final short UNKNOWN_MEMBER_ID = 25;
    /** Kafka {@code Errors.INVALID_SESSION_TIMEOUT}: outside [group.min.session.timeout.ms, group.max...]. */
    public static final short INVALID_SESSION_TIMEOUT = 26;
    /** Kafka {@code Errors.REBALANCE_IN_PROGRESS}. */
    public static final short REBALANCE_IN_PROGRESS = 27;
    /** Kafka {@code Errors.INVALID_COMMIT_OFFSET_SIZE}: the commit's record is over the offsets log's batch limit. */
    public static final short INVALID_COMMIT_OFFSET_SIZE = 28;
    /** Kafka {@code Errors.INVALID_REQUEST}: a member's protocol metadata is over the size limit. */
    public static final short INVALID_REQUEST = 42;
    /** Kafka {@code Errors.NON_EMPTY_GROUP}: DeleteGroups of a group that has members. */
    public static final short NON_EMPTY_GROUP = 68;
    /** Kafka {@code Errors.GROUP_ID_NOT_FOUND}. */
    public static final short GROUP_ID_NOT_FOUND = 69;
    /** Kafka {@code Errors.MEMBER_ID_REQUIRED}: first join of a v4+ caller; rejoin with the returned member id. */
    public static final short MEMBER_ID_REQUIRED = 79;
    /** Kafka {@code Errors.GROUP_MAX_SIZE_REACHED}: group.max.size members already. */
    public static final short GROUP_MAX_SIZE_REACHED = 81;
    /** Kafka {@code Errors.FENCED_INSTANCE_ID}: a static member's stale member id. */
    public static final short FENCED_INSTANCE_ID = 82;
    /** Kafka {@code Errors.GROUP_SUBSCRIBED_TO_TOPIC}: OffsetDelete of a topic the group consumes. */
    public static final short GROUP_SUBSCRIBED_TO_TOPIC = 86;

    private GroupErrors() {
    }

    /**
     * @param code a code of this class.
     * @return the Kafka name of the code, for messages and logs.
     */
    public static String name(final short code) {
        switch (code) {
            case NONE: return "NONE";
            case UNKNOWN_SERVER_ERROR: return "UNKNOWN_SERVER_ERROR";
            case OFFSET_METADATA_TOO_LARGE: return "OFFSET_METADATA_TOO_LARGE";
            case COORDINATOR_LOAD_IN_PROGRESS: return "COORDINATOR_LOAD_IN_PROGRESS";
            case COORDINATOR_NOT_AVAILABLE: return "COORDINATOR_NOT_AVAILABLE";
            case NOT_COORDINATOR: return "NOT_COORDINATOR";
            case ILLEGAL_GENERATION: return "ILLEGAL_GENERATION";
            case INCONSISTENT_GROUP_PROTOCOL: return "INCONSISTENT_GROUP_PROTOCOL";
            case INVALID_GROUP_ID: return "INVALID_GROUP_ID";
            case UNKNOWN_MEMBER_ID: return "UNKNOWN_MEMBER_ID";
            case INVALID_SESSION_TIMEOUT: return "INVALID_SESSION_TIMEOUT";
            case REBALANCE_IN_PROGRESS: return "REBALANCE_IN_PROGRESS";
            case INVALID_COMMIT_OFFSET_SIZE: return "INVALID_COMMIT_OFFSET_SIZE";
            case INVALID_REQUEST: return "INVALID_REQUEST";
            case NON_EMPTY_GROUP: return "NON_EMPTY_GROUP";
            case GROUP_ID_NOT_FOUND: return "GROUP_ID_NOT_FOUND";
            case MEMBER_ID_REQUIRED: return "MEMBER_ID_REQUIRED";
            case GROUP_MAX_SIZE_REACHED: return "GROUP_MAX_SIZE_REACHED";
            case FENCED_INSTANCE_ID: return "FENCED_INSTANCE_ID";
            case GROUP_SUBSCRIBED_TO_TOPIC: return "GROUP_SUBSCRIBED_TO_TOPIC";
            default: return "UNKNOWN(" + code + ")";
        }
    }
}
