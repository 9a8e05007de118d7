package keel.perf.load;

/**
 * A load run could not be carried out (server unreachable, topic not created, too many failed sends).
 */
public final class LoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with name=value details
     * @param cause   the underlying failure, or null
     */
    public LoadException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, with name=value details
     */
    public LoadException(final String message) {
        super(message);
    }
}
