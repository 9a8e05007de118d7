package keel.server.network;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request handler for tests: echoes each frame at once ({@link #echo()}), or parks each request until the test
 * completes it ({@link #parking()}). Records every response it creates and every disconnect. Thread-safe.
 */
final class TestHandler implements RequestHandler {
    private final boolean echo;
    private volatile int closeMarker = -1;
    private volatile int throwMarker = -1;
    final Set<Long> connectionIds = ConcurrentHashMap.newKeySet();
    final Set<String> threadNames = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<NetworkRequest> parked = new LinkedBlockingQueue<>();
    final Queue<TestSend> sends = new ConcurrentLinkedQueue<>();
    final Map<Long, AtomicInteger> disconnects = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();

    private TestHandler(final boolean echo) {
        this.echo = echo;
    }

    static TestHandler echo() {
        return new TestHandler(true);
    }

    static TestHandler parking() {
        return new TestHandler(false);
    }

    /**
     * @param marker a frame whose first byte is this is completed with {@link NetworkRequest#closeConnection()}.
     */
    TestHandler closingOn(final byte marker) {
        closeMarker = marker;
        return this;
    }

    /**
     * @param marker a frame whose first byte is this makes {@link #onRequest} throw.
     */
    TestHandler throwingOn(final byte marker) {
        throwMarker = marker;
        return this;
    }

    @Override
    public void onRequest(final NetworkRequest request) {
        requests.incrementAndGet();
        connectionIds.add(request.connectionId());
        threadNames.add(Thread.currentThread().getName());
        final ByteBuffer frame = request.frame();
        final int first = frame.remaining() > 0 ? frame.get(0) : -1;
        if (first != -1 && first == throwMarker) {
            throw new IllegalStateException("the test handler throws on request");
        }
        if (first != -1 && first == closeMarker) {
            request.closeConnection();
        } else if (echo) {
            request.respond(echoOf(request));
        } else {
            parked.add(request);
        }
    }

    @Override
    public void onDisconnect(final long connectionId) {
        disconnects.computeIfAbsent(connectionId, id -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @return a response carrying the request's frame, recorded in {@link #sends}.
     */
    TestSend echoOf(final NetworkRequest request) {
        final byte[] bytes = new byte[request.frame().remaining()];
        request.frame().duplicate().get(bytes);
        final TestSend send = TestSend.of(bytes);
        sends.add(send);
        return send;
    }

    /**
     * @return the next parked request, waiting up to 10 s.
     */
    NetworkRequest nextParked() throws InterruptedException {
        final NetworkRequest request = parked.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request arrived within 10 s");
        }
        return request;
    }

    /**
     * @return the first response {@link #echoOf} created.
     */
    TestSend firstSend() {
        return sends.peek();
    }

    /**
     * @return the next parked request, or null after waiting {@code timeoutMs}.
     */
    NetworkRequest pollParked(final long timeoutMs) throws InterruptedException {
        return parked.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    int parkedCount() {
        return parked.size();
    }

    int disconnectsOf(final long connectionId) {
        final AtomicInteger count = disconnects.get(connectionId);
        return count == null ? 0 : count.get();
    }
}
