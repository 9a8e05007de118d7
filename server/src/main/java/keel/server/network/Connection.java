package keel.server.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The state of one client connection: the frame being read, the requests in flight in arrival order (a ring of
 * {@code keel.max.inflight.requests.per.connection} slots) and the response being written. Created by the acceptor,
 * then confined to the network thread that owns it; only the final fields are read by other threads.
 */
final class Connection {
    final long id;
    final SocketChannel channel;
    final InetSocketAddress remoteAddress;
    final Processor processor;

    SelectionKey key;
    int interestOps;
    /** Position in the processor's list of connections, for removal in constant time. */
    int index = -1;
    long lastActiveNanos;
    boolean closed;

    /** The size prefix being read; full when a frame size is known. */
    final ByteBuffer sizeBuffer = ByteBuffer.allocate(Integer.BYTES);
    /** The size of the frame being read, or -1 while the size prefix is being read. */
    int frameSize = -1;
    /** The buffer the frame is read into; null until memory for it is reserved. */
    ByteBuffer frame;
    /** Waiting for {@code queued.max.request.bytes} to admit the frame's buffer: not reading. */
    boolean waitingForMemory;

    /** Requests read and not yet answered, oldest at {@code head}. */
    final Request[] inflight;
    int head;
    int inflightCount;
    /** The head request's response is being written. */
    boolean writing;

    Connection(final long id, final SocketChannel channel, final InetSocketAddress remoteAddress,
               final Processor processor, final int maxInflight) {
        this.id = id;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.processor = processor;
        this.inflight = new Request[maxInflight];
    }

    void addInflight(final Request request) {
        int tail = head + inflightCount;
        if (tail >= inflight.length) {
            tail -= inflight.length;
        }
        inflight[tail] = request;
        inflightCount++;
    }

    Request headRequest() {
        return inflightCount == 0 ? null : inflight[head];
    }

    void removeHead() {
        inflight[head] = null;
        head = head + 1 == inflight.length ? 0 : head + 1;
        inflightCount--;
    }

    @Override
    public String toString() {
        return "connectionId=" + id + " remoteAddress=" + remoteAddress;
    }
}
