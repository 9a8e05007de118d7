package keel.perf.peer;

/**
 * A server JVM did not start: it exited, or did not answer within the start timeout.
 */
public final class ServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with name=value details and where the server's output is
     */
    public ServerStartException(final String message) {
        super(message);
    }
}
