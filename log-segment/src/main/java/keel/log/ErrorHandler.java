package keel.log;

/**
 * Receives errors that happen off the caller's thread (background retention, flush, checkpoint tasks), so
 * that an embedding program can route them to its own logging or alerting. Implementations must be
 * thread-safe and must not throw.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * Called once for each error that a background task could not hand to a caller.
     *
     * @param error what went wrong.
     */
    void onError(Throwable error);
}
