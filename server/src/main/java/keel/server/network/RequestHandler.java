package keel.server.network;

/**
 * The seam between the network layer and the request layer. The network layer calls {@link #onRequest} once for
 * every complete frame it reads, on the network thread that owns the connection, in the order the frames arrived
 * on that connection. Implementations must be thread-safe and must not block: work that may block (a cold read,
 * an fsync, a topic creation) is handed to another thread, which later completes the request.
 */
public interface RequestHandler {
    /**
     * Handles one request. The handler must eventually complete it exactly once, from any thread, with
     * {@link NetworkRequest#respond}, {@link NetworkRequest#noResponse} or {@link NetworkRequest#closeConnection}.
     * Responses leave a connection in request order whatever order the completions happen in. Up to
     * {@code keel.max.inflight.requests.per.connection} requests of one connection may be in flight at once; the
     * network layer stops reading the connection at that bound.
     *
     * <p>A RuntimeException thrown from here is a handler bug: the network layer logs it, closes the connection
     * and takes the request back (its frame returns to the pool at once, and a later completion of it is ignored,
     * its response released). So a handler must not throw after it has handed the request to another thread.
     *
     * @param request the request; its frame stays valid until it is completed.
     */
    void onRequest(NetworkRequest request);

    /**
     * Called once when a connection is gone (peer closed, idle timeout, error, shutdown), so that the handler can
     * drop work parked for it. Requests of that connection that were not completed yet may still be completed;
     * their responses are released and discarded.
     *
     * @param connectionId the id that {@link NetworkRequest#connectionId()} returned for it.
     */
    default void onDisconnect(final long connectionId) {
    }
}
