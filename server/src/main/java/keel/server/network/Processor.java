package keel.server.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import keel.log.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network thread: one selector over the connections the acceptor gives it. It reads frames, hands each to the
 * {@link RequestHandler}, and writes the responses of each connection in request order as the requests complete.
 * Confined to its own thread, except {@link #accept}, {@link #onCompleted}, {@link #stop} and the metric getters,
 * which are thread-safe.
 *
 * <p>Completions from other threads reach this thread through a lock-free stack of requests (a Treiber stack linked
 * through {@link Request#nextCompleted}, so a completion allocates nothing); the thread that makes the stack
 * non-empty wakes the selector. Order does not come from the stack but from each connection's ring of in-flight
 * requests: a response is written only when every earlier request of its connection has been answered.
 */
final class Processor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Processor.class);
    /** Frames read from one connection per readiness event, so that one busy client cannot starve the others. */
    private static final int MAX_FRAMES_PER_READ = 16;
    /**
     * Reads into a heap buffer go through a temporary direct buffer the JDK caches per thread at the size of the
     * read; capping the read keeps that cache small when a frame is 100 MB.
     */
    private static final int HEAP_READ_CHUNK_BYTES = 256 * 1024;
    private static final long MAX_SELECT_MS = 1000;
    private static final long REJECT_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final Selector selector;
    private final RequestHandler handler;
    private final FrameMemory memory;
    private final AtomicInteger openConnections;
    private final Time time;
    private final int maxRequestBytes;
    private final int maxInflight;
    private final long idleNanos;
    private final long idleCheckIntervalNanos;

    private final FramePool pool = new FramePool();
    private final Queue<Connection> newConnections = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Request> completed = new AtomicReference<>();
    private final ArrayList<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> waiting = new ArrayDeque<>();
    private final Consumer<SelectionKey> onKeyReady = this::onKeyReady;

    private Thread thread;
    private volatile boolean running = true;
    private volatile boolean terminated;
    private volatile boolean dead;
    private volatile boolean waitingForMemory;
    private long nowNanos;
    private long nextIdleCheckNanos;
    private boolean rejectLogged;
    private long lastRejectLogNanos;
    private long rejectsSinceLog;

    // Metrics: each written by this thread only (plain increments of a volatile), read by any thread.
    private volatile long connectionsClosed;
    private volatile long idleConnectionsClosed;
    private volatile long requestsReceived;
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile long framesRejected;
    private volatile long handlerErrors;

    Processor(final String name, final Selector selector, final NetworkConfig config, final RequestHandler handler,
              final FrameMemory memory, final AtomicInteger openConnections, final Time time) {
        this.name = name;
        this.selector = selector;
        this.handler = handler;
        this.memory = memory;
        this.openConnections = openConnections;
        this.time = time;
        this.maxRequestBytes = config.socketRequestMaxBytes();
        this.maxInflight = config.maxInflightRequestsPerConnection();
        this.idleNanos = config.connectionsMaxIdleMs() < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(
            config.connectionsMaxIdleMs());
        // a connection is closed between 1x and 1.1x the idle time (at most 1 s late): scanning every connection
        // ten times per idle period is cheap, and a timer per connection would cost more
        this.idleCheckIntervalNanos = idleNanos < 0 ? -1 : Math.max(TimeUnit.MILLISECONDS.toNanos(1),
            Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 10));
    }

    void start() {
        nextIdleCheckNanos = time.nanoseconds();
        thread = new Thread(this, name);
        thread.start();
    }

    /**
     * Hands a new connection to this thread. Thread-safe.
     *
     * @param connection accepted, non-blocking, not registered yet.
     */
    void accept(final Connection connection) {
        newConnections.add(connection);
        if (dead) {
            // the thread has ended (close(), or an Error): nobody will register it
            discardNewConnections();
        } else {
            selector.wakeup();
        }
    }

    private void discardNewConnections() {
        Connection connection;
        while ((connection = newConnections.poll()) != null) {
            try {
                connection.channel.close();
            } catch (final IOException ex) {
                LOG.debug("Closing {} failed", connection, ex);
            }
            openConnections.decrementAndGet();
        }
    }

    /**
     * Takes a completed request from any thread.
     *
     * @param request completed exactly once.
     */
    void onCompleted(final Request request) {
        Request top;
        do {
            top = completed.get();
            request.nextCompleted = top;
        } while (!completed.compareAndSet(top, request));
        if (terminated) {
            drainAfterTermination();
            return;
        }
        // only the push that makes the stack non-empty wakes the selector; this thread drains before it selects
        if (top == null && Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    /**
     * Wakes this thread if it waits for frame memory. Thread-safe; called after every frame is freed.
     */
    void wakeupIfWaitingForMemory() {
        if (waitingForMemory) {
            selector.wakeup();
        }
    }

    /**
     * Asks the thread to close its connections and end. Thread-safe.
     */
    void stop() {
        running = false;
        selector.wakeup();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    runOnce();
                } catch (final RuntimeException ex) {
                    // a bug in this class, not in a connection (those are caught per connection): keep serving
                    LOG.error("Unexpected error on {}", name, ex);
                }
            }
        } catch (final Error error) {
            LOG.error("Network thread {} dies; its connections are closed", name, error);
            throw error;
        } finally {
            shutdown();
        }
    }

    private void runOnce() {
        nowNanos = time.nanoseconds();
        registerNewConnections();
        retryWaitingForMemory();
        maybeCloseIdleConnections();
        try {
            if (completed.get() != null || !newConnections.isEmpty()) {
                selector.selectNow(onKeyReady);
            } else {
                selector.select(onKeyReady, selectTimeoutMs());
            }
        } catch (final IOException ex) {
            LOG.error("Selector of {} failed", name, ex);
        }
        nowNanos = time.nanoseconds();
        drainCompletions();
    }

    private long selectTimeoutMs() {
        if (idleNanos < 0) {
            return MAX_SELECT_MS;
        }
        final long untilCheckMs = TimeUnit.NANOSECONDS.toMillis(nextIdleCheckNanos - nowNanos) + 1;
        return Math.max(1, Math.min(MAX_SELECT_MS, untilCheckMs));
    }

    private void registerNewConnections() {
        Connection connection;
        while ((connection = newConnections.poll()) != null) {
            connection.index = connections.size();
            connections.add(connection);
            connection.lastActiveNanos = nowNanos;
            try {
                connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
                connection.interestOps = SelectionKey.OP_READ;
            } catch (final IOException ex) {
                close(connection);
            }
        }
    }

    private void onKeyReady(final SelectionKey key) {
        final Connection connection = (Connection) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            final int ready = key.readyOps();
            if ((ready & SelectionKey.OP_READ) != 0) {
                onReadable(connection);
            }
            if (!connection.closed && (ready & SelectionKey.OP_WRITE) != 0) {
                connection.lastActiveNanos = nowNanos;
                flush(connection);
            }
            if (!connection.closed) {
                updateInterest(connection);
            }
        } catch (final IOException ex) {
            // the peer reset or went away: ordinary, counted in connectionsClosed, not logged
            close(connection);
        } catch (final RuntimeException ex) {
            LOG.warn("Closing {} after an unexpected error on {}", connection, name, ex);
            close(connection);
        }
    }

    private void onReadable(final Connection connection) throws IOException {
        for (int frames = 0; frames < MAX_FRAMES_PER_READ && !connection.closed; frames++) {
            if (connection.frame == null) {
                if (connection.frameSize < 0 && !readSize(connection)) {
                    return;
                }
                if (!reserveFrame(connection)) {
                    waitForMemory(connection);
                    return;
                }
            }
            if (!readFrame(connection)) {
                return;
            }
            onFrameRead(connection);
        }
    }

    /**
     * @return true when the size prefix is complete and valid.
     */
    private boolean readSize(final Connection connection) throws IOException {
        if (connection.inflightCount >= maxInflight) {
            return false;
        }
        final ByteBuffer sizeBuffer = connection.sizeBuffer;
        final int read = connection.channel.read(sizeBuffer);
        if (read < 0) {
            close(connection);
            return false;
        }
        if (read > 0) {
            bytesIn = bytesIn + read;
            connection.lastActiveNanos = nowNanos;
        }
        if (sizeBuffer.hasRemaining()) {
            return false;
        }
        final int size = sizeBuffer.getInt(0);
        sizeBuffer.clear();
        // checked before anything is allocated: a garbage prefix must not cost memory
        if (size < 0 || size > maxRequestBytes) {
            rejectFrame(connection, size);
            return false;
        }
        connection.frameSize = size;
        return true;
    }

    private boolean reserveFrame(final Connection connection) {
        if (!memory.tryReserve(FramePool.capacityFor(connection.frameSize))) {
            return false;
        }
        connection.frame = pool.acquire(connection.frameSize);
        return true;
    }

    /**
     * @return true when the frame is complete.
     */
    private boolean readFrame(final Connection connection) throws IOException {
        final ByteBuffer frame = connection.frame;
        while (frame.hasRemaining()) {
            final int read;
            if (frame.isDirect()) {
                read = connection.channel.read(frame);
            } else {
                final int limit = frame.limit();
                frame.limit(Math.min(limit, frame.position() + HEAP_READ_CHUNK_BYTES));
                try {
                    read = connection.channel.read(frame);
                } finally {
                    frame.limit(limit);
                }
            }
            if (read < 0) {
                close(connection);
                return false;
            }
            if (read == 0) {
                return false;
            }
            bytesIn = bytesIn + read;
            connection.lastActiveNanos = nowNanos;
        }
        return true;
    }

    private void onFrameRead(final Connection connection) {
        final ByteBuffer frame = connection.frame;
        frame.position(0);
        connection.frame = null;
        connection.frameSize = -1;
        final Request request = new Request(connection, frame, time.nanoseconds());
        connection.addInflight(request);
        requestsReceived = requestsReceived + 1;
        try {
            handler.onRequest(request);
        } catch (final RuntimeException ex) {
            handlerErrors = handlerErrors + 1;
            LOG.warn("Closing {}: the request handler threw", connection, ex);
            if (request.abandon()) {
                freeFrame(frame);
            }
            close(connection);
        }
    }

    private void rejectFrame(final Connection connection, final int size) {
        framesRejected = framesRejected + 1;
        // rate-limited: a client reconnecting in a loop with garbage must not flood the log
        if (!rejectLogged || nowNanos - lastRejectLogNanos >= REJECT_LOG_INTERVAL_NS) {
            LOG.warn("Closing {}: request size {} is outside [0, {}] ({}); {} more connections closed for this on {} "
                    + "since the last report", connection, size, maxRequestBytes,
                NetworkConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG, rejectsSinceLog, name);
            rejectLogged = true;
            lastRejectLogNanos = nowNanos;
            rejectsSinceLog = 0;
        } else {
            rejectsSinceLog++;
        }
        close(connection);
    }

    private void waitForMemory(final Connection connection) {
        connection.waitingForMemory = true;
        waiting.addLast(connection);
        // set before the retry that precedes the next select: a release after that retry sees it and wakes us
        waitingForMemory = true;
    }

    private void retryWaitingForMemory() {
        Connection connection;
        while ((connection = waiting.peekFirst()) != null) {
            if (!connection.closed) {
                if (!reserveFrame(connection)) {
                    break;
                }
                connection.waitingForMemory = false;
                updateInterest(connection);
            }
            waiting.pollFirst();
        }
        waitingForMemory = !waiting.isEmpty();
    }

    private void updateInterest(final Connection connection) {
        int ops = 0;
        if (!connection.waitingForMemory && (connection.frameSize >= 0 || connection.inflightCount < maxInflight)) {
            ops |= SelectionKey.OP_READ;
        }
        if (connection.writing) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (ops != connection.interestOps) {
            connection.key.interestOps(ops);
            connection.interestOps = ops;
        }
    }

    private void drainCompletions() {
        Request request = completed.getAndSet(null);
        while (request != null) {
            final Request next = request.nextCompleted;
            request.nextCompleted = null;
            onCompletionSeen(request);
            request = next;
        }
    }

    private void onCompletionSeen(final Request request) {
        // the handler is done with the frame once it completes the request
        freeFrame(request.frame);
        final Connection connection = request.connection;
        if (connection.closed) {
            releaseResponse(request);
            return;
        }
        request.ready = true;
        if (connection.headRequest() != request) {
            return;
        }
        try {
            flush(connection);
            if (!connection.closed) {
                updateInterest(connection);
            }
        } catch (final IOException ex) {
            close(connection);
        } catch (final RuntimeException ex) {
            LOG.warn("Closing {} after an unexpected error on {}", connection, name, ex);
            close(connection);
        }
    }

    /**
     * Writes the responses of the completed requests at the head of the connection, in order, until one is
     * incomplete (then OP_WRITE resumes it) or the head request is not completed yet.
     */
    private void flush(final Connection connection) throws IOException {
        Request head;
        while ((head = connection.headRequest()) != null && head.ready) {
            if (head.completion == Request.RESPOND) {
                connection.writing = true;
                if (!head.response.writeTo(connection.channel)) {
                    return;
                }
                connection.writing = false;
                connection.lastActiveNanos = nowNanos;
                bytesOut = bytesOut + head.response.sizeInBytes();
                releaseResponse(head);
            } else if (head.completion == Request.CLOSE) {
                close(connection);
                return;
            }
            connection.removeHead();
        }
    }

    private void maybeCloseIdleConnections() {
        if (idleNanos < 0 || nowNanos - nextIdleCheckNanos < 0) {
            return;
        }
        nextIdleCheckNanos = nowNanos + idleCheckIntervalNanos;
        // backwards: close() moves the last connection into the closed one's slot, and that one was seen already
        for (int i = connections.size() - 1; i >= 0; i--) {
            final Connection connection = connections.get(i);
            // the server, not the client, is the one waiting while requests are in flight or memory is short
            if (connection.inflightCount == 0 && !connection.waitingForMemory
                && nowNanos - connection.lastActiveNanos >= idleNanos) {
                idleConnectionsClosed = idleConnectionsClosed + 1;
                close(connection);
            }
        }
    }

    private void close(final Connection connection) {
        if (connection.closed) {
            return;
        }
        connection.closed = true;
        removeFromList(connection);
        if (connection.key != null) {
            connection.key.cancel();
        }
        try {
            connection.channel.close();
        } catch (final IOException ex) {
            LOG.debug("Closing {} failed", connection, ex);
        }
        if (connection.frame != null) {
            freeFrame(connection.frame);
            connection.frame = null;
        }
        // requests not completed yet keep their frames until the handler completes them; see onCompletionSeen
        while (connection.inflightCount > 0) {
            final Request request = connection.headRequest();
            if (request.ready) {
                releaseResponse(request);
            }
            connection.removeHead();
        }
        connection.writing = false;
        openConnections.decrementAndGet();
        connectionsClosed = connectionsClosed + 1;
        try {
            handler.onDisconnect(connection.id);
        } catch (final RuntimeException ex) {
            handlerErrors = handlerErrors + 1;
            LOG.warn("The request handler threw from onDisconnect for {}", connection, ex);
        }
    }

    private void removeFromList(final Connection connection) {
        final int index = connection.index;
        if (index < 0) {
            return;
        }
        final Connection last = connections.remove(connections.size() - 1);
        if (last != connection) {
            connections.set(index, last);
            last.index = index;
        }
        connection.index = -1;
    }

    private void freeFrame(final ByteBuffer frame) {
        final int capacity = frame.capacity();
        pool.release(frame);
        memory.release(capacity);
    }

    private static void releaseResponse(final Request request) {
        final ResponseSend response = request.response;
        if (response != null) {
            request.response = null;
            try {
                response.release();
            } catch (final RuntimeException ex) {
                LOG.warn("Releasing the response of {} failed", request.connection, ex);
            }
        }
    }

    private void shutdown() {
        dead = true;
        try {
            discardNewConnections();
            for (int i = connections.size() - 1; i >= 0; i--) {
                close(connections.get(i));
            }
            waiting.clear();
        } finally {
            // set before the last drain: a completion pushed after this drain sees it and releases its own request
            terminated = true;
            drainAfterTermination();
            try {
                selector.close();
            } catch (final IOException ex) {
                LOG.warn("Closing the selector of {} failed", name, ex);
            }
        }
    }

    /**
     * Releases completed requests once this thread has ended: frames to the memory bound (their buffers to the
     * garbage collector, as the pool is confined to the ended thread) and responses. Thread-safe.
     */
    private void drainAfterTermination() {
        Request request = completed.getAndSet(null);
        while (request != null) {
            final Request next = request.nextCompleted;
            request.nextCompleted = null;
            releaseResponse(request);
            memory.release(request.frame.capacity());
            request = next;
        }
    }

    long connectionsClosed() {
        return connectionsClosed;
    }

    long idleConnectionsClosed() {
        return idleConnectionsClosed;
    }

    long requestsReceived() {
        return requestsReceived;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    long framesRejected() {
        return framesRejected;
    }

    long handlerErrors() {
        return handlerErrors;
    }

    long pooledBytes() {
        return pool.cachedBytes();
    }
}
