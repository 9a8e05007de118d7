package keel.server.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One request frame read from a connection, as handed to {@link RequestHandler#onRequest}. Completion methods are
 * thread-safe; exactly one of them must be called, exactly once (a second call throws IllegalStateException and
 * releases the response it was given). A request may be completed after its connection is gone: the response is
 * then released without being written.
 */
public interface NetworkRequest {
    /**
     * @return a number unique to the connection for the life of the server.
     */
    long connectionId();

    /**
     * @return the peer's address.
     */
    InetSocketAddress remoteAddress();

    /**
     * @return the frame without its 4-byte size prefix, position 0, limit the frame size (its capacity may be
     *     larger; it is usually a direct buffer, so do not assume {@code hasArray()}). The bytes stay valid and
     *     unchanged (a slice of them may be kept, for example appended later) until the request is completed; after
     *     that the buffer returns to a pool.
     */
    ByteBuffer frame();

    /**
     * @return {@code System.nanoTime()} when the last byte of the frame was read.
     */
    long receivedNanos();

    /**
     * Queues the response; it is written after the responses of every earlier request of the connection. The network
     * layer calls {@link ResponseSend#release()} once it is written or can no longer be (connection gone).
     *
     * @param response the bytes to send, with their size prefix.
     */
    void respond(ResponseSend response);

    /**
     * Completes a request that has no response (Produce with acks=0).
     */
    void noResponse();

    /**
     * Completes the request by closing the connection once every earlier response has been written (garbage input
     * that cannot be answered in the protocol).
     */
    void closeConnection();
}
