package keel.server.metadata;

/**
 * A metadata operation refused for a reason the client caused (a bad name, an existing topic, a bad config value),
 * carrying the Kafka error code to answer with and a message a user can act on.
 */
public final class TopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;

    /**
     * @param errorCode one of {@link TopicErrors}.
     * @param message   what was refused and why.
     */
    public TopicException(final int errorCode, final String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * @return the Kafka error code to answer with.
     */
    public int errorCode() {
        return errorCode;
    }
}
