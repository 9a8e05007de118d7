package keel.server.network;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One request read from a connection. Completion is thread-safe (a compare-and-set on the state, then a hand-over
 * to the owning network thread through its completion stack); everything else is confined to that network thread.
 * This object is the one allocation per request: it escapes to the handler, which may keep it after the connection
 * is gone, so it is never recycled (a recycled one would let a late or repeated completion answer another request).
 */
final class Request implements NetworkRequest {
    static final int RESPOND = 1;
    static final int NO_RESPONSE = 2;
    static final int CLOSE = 3;

    private static final int PENDING = 0;
    private static final int COMPLETED = 1;
    private static final int ABANDONED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Request.class, "state", int.class);
        } catch (final ReflectiveOperationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final Connection connection;
    final ByteBuffer frame;
    private final long receivedNanos;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    // Written by the completing thread before it pushes this request on the processor's completion stack and read
    // by the network thread after it pops it: the stack's compare-and-set orders them.
    int completion;
    ResponseSend response;
    Request nextCompleted;

    // Network thread only: the network thread has seen the completion.
    boolean ready;

    Request(final Connection connection, final ByteBuffer frame, final long receivedNanos) {
        this.connection = connection;
        this.frame = frame;
        this.receivedNanos = receivedNanos;
    }

    @Override
    public long connectionId() {
        return connection.id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress;
    }

    @Override
    public ByteBuffer frame() {
        return frame;
    }

    @Override
    public long receivedNanos() {
        return receivedNanos;
    }

    @Override
    public void respond(final ResponseSend response) {
        Objects.requireNonNull(response, "response");
        complete(RESPOND, response);
    }

    @Override
    public void noResponse() {
        complete(NO_RESPONSE, null);
    }

    @Override
    public void closeConnection() {
        complete(CLOSE, null);
    }

    /**
     * Called by the network thread when the handler threw from {@code onRequest}: the network layer takes the
     * request back, and a later completion is ignored (its response released).
     *
     * @return true when the request was still pending, so its frame may be freed now.
     */
    boolean abandon() {
        return STATE.compareAndSet(this, PENDING, ABANDONED);
    }

    private void complete(final int kind, final ResponseSend send) {
        if (!STATE.compareAndSet(this, PENDING, COMPLETED)) {
            if ((int) STATE.getVolatile(this) == ABANDONED) {
                if (send != null) {
                    send.release();
                }
                return;
            }
            if (send != null) {
                send.release();
            }
            throw new IllegalStateException("Request already completed: connectionId=" + connection.id
                + " remoteAddress=" + connection.remoteAddress);
        }
        completion = kind;
        response = send;
        connection.processor.onCompleted(this);
    }
}
