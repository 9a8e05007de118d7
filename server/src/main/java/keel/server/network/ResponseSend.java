package keel.server.network;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one response, size prefix included, written by a network thread without blocking. It may hold
 * resources (a reserved segment whose file region is sent with {@code FileChannel.transferTo}); they are freed by
 * {@link #release()}. Confined to the network thread that writes it once handed to {@link NetworkRequest#respond},
 * with one exception: when it can never be written (its connection is gone, or the server closed, or the request
 * was already completed), {@link #release()} may run on the thread that calls {@code respond}. {@code release()}
 * never runs concurrently with {@link #writeTo}.
 */
public interface ResponseSend {
    /**
     * Writes as many of the remaining bytes as the non-blocking channel takes.
     *
     * @param channel the connection's channel, in non-blocking mode.
     * @return true when every byte has been written.
     * @throws IOException when the channel or a file being sent fails.
     */
    boolean writeTo(SocketChannel channel) throws IOException;

    /**
     * @return the total size in bytes, size prefix included.
     */
    long sizeInBytes();

    /**
     * Frees what the response holds. Called exactly once by the network layer, after the last byte is written or
     * when the connection is gone; idempotent. Must not throw (a RuntimeException is logged and ignored).
     */
    void release();
}
