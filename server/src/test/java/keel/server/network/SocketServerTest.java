package keel.server.network;

import static keel.log.testing.Await.await;
import static keel.server.network.TestClient.bytes;
import static keel.server.network.TestClient.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketServerTest {
    private static final long WAIT_MS = 10_000;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private SocketServer start(final RequestHandler handler, final Object... keyValues) throws IOException {
        NetworkConfig config = NetworkConfig.defaults().with(Map.of(
            NetworkConfig.LISTENERS_CONFIG, "PLAINTEXT://127.0.0.1:0",
            NetworkConfig.NUM_NETWORK_THREADS_CONFIG, "2"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config = config.with((String) keyValues[i], keyValues[i + 1]);
        }
        final SocketServer server = SocketServer.open(config, handler);
        toClose.add(server);
        return server;
    }

    private TestClient connect(final SocketServer server) throws IOException {
        final TestClient client = new TestClient(server.boundPort());
        toClose.add(client);
        return client;
    }

    @Test
    void shouldAnswerRequestWhenHandlerResponds() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient client = connect(server);

        client.send("hello");

        assertEquals("hello", client.readString());
        assertEquals(1, server.requestsReceived());
        assertEquals(4 + 5, server.bytesIn());
    }

    @Test
    void shouldAnswerPipelinedRequestsInRequestOrderWhenCompletedOutOfOrder() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("one");
        client.send("two");
        client.send("three");
        final NetworkRequest one = handler.nextParked();
        final NetworkRequest two = handler.nextParked();
        final NetworkRequest three = handler.nextParked();

        three.respond(handler.echoOf(three));
        final Thread other = new Thread(() -> two.respond(handler.echoOf(two)));
        other.start();
        other.join();
        one.respond(handler.echoOf(one));

        assertEquals("one", client.readString());
        assertEquals("two", client.readString());
        assertEquals("three", client.readString());
    }

    @Test
    void shouldWriteResponsesInOrderWhenManyThreadsCompleteConcurrently() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler, NetworkConfig.MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG, 16);
        final int connections = 4;
        final int perConnection = 2000;
        final List<TestClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            final TestClient client = connect(server);
            clients.add(client);
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < perConnection; i++) {
                all.write(frame(bytes(c + ":" + i)));
            }
            client.sendRaw(all.toByteArray());
        }
        // each completer takes what is parked (up to 8) and answers it newest first: completions run out of order
        // and race each other on the completion stacks
        final List<Thread> completers = new ArrayList<>();
        final int total = connections * perConnection;
        final AtomicInteger answered = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            final Thread completer = new Thread(() -> {
                final List<NetworkRequest> batch = new ArrayList<>();
                try {
                    while (answered.get() < total) {
                        final NetworkRequest first = handler.pollParked(10);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        NetworkRequest next;
                        while (batch.size() < 8 && (next = handler.pollParked(0)) != null) {
                            batch.add(next);
                        }
                        for (int i = batch.size() - 1; i >= 0; i--) {
                            batch.get(i).respond(handler.echoOf(batch.get(i)));
                        }
                        answered.addAndGet(batch.size());
                        batch.clear();
                    }
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            completer.start();
            completers.add(completer);
        }

        for (int c = 0; c < connections; c++) {
            for (int i = 0; i < perConnection; i++) {
                assertEquals(c + ":" + i, clients.get(c).readString());
            }
        }
        for (final Thread completer : completers) {
            completer.join();
        }
        assertEquals(total, server.requestsReceived());
    }

    @Test
    void shouldCompleteFromAnotherThread() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("later");
        final NetworkRequest request = handler.nextParked();

        final Thread completer = new Thread(() -> request.respond(handler.echoOf(request)));
        completer.start();
        completer.join();

        assertEquals("later", client.readString());
        await(() -> handler.firstSend().releases.get() == 1, WAIT_MS, () -> "release of the written response");
    }

    @Test
    void shouldCloseConnectionWhenSizePrefixExceedsMaxBytes() throws Exception {
        final SocketServer server = start(TestHandler.echo(), NetworkConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG, 1024);
        final TestClient bad = connect(server);

        bad.sendSize(1025);

        assertTrue(bad.awaitClosedByServer());
        assertEquals(1, server.framesRejected());
        assertEquals(0, server.frameMemoryInUseBytes());
        final TestClient good = connect(server);
        good.send("still here");
        assertEquals("still here", good.readString());
    }

    @Test
    void shouldCloseConnectionWhenSizeIsNegative() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient bad = connect(server);

        bad.sendSize(-1);

        assertTrue(bad.awaitClosedByServer());
        assertEquals(1, server.framesRejected());
        assertEquals(0, server.requestsReceived());
    }

    @Test
    void shouldAcceptFrameOfExactlyMaxBytes() throws Exception {
        final SocketServer server = start(TestHandler.echo(), NetworkConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG, 1024);
        final TestClient client = connect(server);
        final byte[] payload = new byte[1024];
        payload[1023] = 7;

        client.sendRaw(frame(payload));

        assertArrayEquals(payload, client.readFrame());
    }

    @Test
    void shouldHandOverEmptyFrame() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient client = connect(server);

        client.sendSize(0);

        assertEquals(0, client.readFrame().length);
    }

    @Test
    void shouldReassembleFrameSplitAcrossWrites() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient client = connect(server);
        final byte[] frame = frame(bytes("split in ten"));

        for (int i = 0; i < frame.length; i++) {
            client.sendRaw(new byte[] {frame[i]});
            final long expected = i + 1;
            // the server has read exactly the bytes sent so far: the frame really arrives in pieces
            await(() -> server.bytesIn() == expected, WAIT_MS, () -> "bytesIn=" + expected);
        }

        assertEquals("split in ten", client.readString());
        assertEquals(1, server.requestsReceived());
    }

    @Test
    void shouldHandleManyFramesInOneWrite() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient client = connect(server);
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            all.write(frame(bytes("frame-" + i)));
        }

        client.sendRaw(all.toByteArray());

        for (int i = 0; i < 100; i++) {
            assertEquals("frame-" + i, client.readString());
        }
        assertEquals(100, server.requestsReceived());
    }

    @Test
    void shouldReadFrameLargerThanPooledBuffers() throws Exception {
        final SocketServer server = start(TestHandler.echo());
        final TestClient client = connect(server);
        final byte[] payload = new byte[3 * FramePool.MAX_POOLED_BYTES + 17];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }

        client.sendRaw(frame(payload));

        assertArrayEquals(payload, client.readFrame());
        await(() -> server.frameMemoryInUseBytes() == 0, WAIT_MS, () -> "frame memory freed");
    }

    @Test
    void shouldStopReadingWhenInflightBoundReached() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler, NetworkConfig.NUM_NETWORK_THREADS_CONFIG, 1,
            NetworkConfig.MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG, 2);
        final TestClient client = connect(server);
        client.sendRaw(concat(frame(bytes("a")), frame(bytes("b")), frame(bytes("c"))));
        final NetworkRequest a = handler.nextParked();
        handler.nextParked();
        // a round trip on another connection of the same (only) network thread: it has looped since reading "b"
        final TestClient other = connect(server);
        other.send("x");
        handler.nextParked().respond(TestSend.of(bytes("y")));
        assertEquals("y", other.readString());

        assertEquals(0, handler.parkedCount());
        assertEquals(3, server.requestsReceived());
        assertEquals(2 * 5 + 5, server.bytesIn());

        a.respond(handler.echoOf(a));
        assertEquals("a", client.readString());
        assertEquals("c", new String(frameOf(handler.nextParked()), StandardCharsets.UTF_8));
    }

    @Test
    void shouldStopReadingWhenQueuedMaxRequestBytesReached() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler, NetworkConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG, 1024,
            NetworkConfig.QUEUED_MAX_REQUEST_BYTES_CONFIG, 1024);
        final TestClient first = connect(server);
        first.sendRaw(frame(new byte[1000]));
        final NetworkRequest held = handler.nextParked();
        assertEquals(1024, server.frameMemoryInUseBytes());
        final TestClient second = connect(server);

        second.sendRaw(frame(bytes("waits")));
        // its size prefix is read, its frame is not: the memory bound holds
        await(() -> server.bytesIn() == 4 + 1000 + 4, WAIT_MS, () -> "the second size prefix read");
        assertEquals(1, server.requestsReceived());

        held.noResponse();
        final NetworkRequest waited = handler.nextParked();
        assertEquals("waits", new String(frameOf(waited), StandardCharsets.UTF_8));
        assertEquals(FramePool.MIN_POOLED_BYTES, server.frameMemoryInUseBytes());
    }

    @Test
    void shouldCloseIdleConnection() throws Exception {
        final SocketServer server = start(TestHandler.echo(), NetworkConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, 200);
        final TestClient client = connect(server);
        client.send("active");
        assertEquals("active", client.readString());

        assertTrue(client.awaitClosedByServer());
        assertEquals(1, server.idleConnectionsClosed());
    }

    @Test
    void shouldNotCloseIdleConnectionWhileRequestInFlight() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler, NetworkConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, 50,
            NetworkConfig.NUM_NETWORK_THREADS_CONFIG, 1);
        final TestClient parkedClient = connect(server);
        parkedClient.send("parked");
        final NetworkRequest parked = handler.nextParked();
        final TestClient idleClient = connect(server);

        // the idle one is closed by the same thread's idle scan; the one with a request in flight is not
        assertTrue(idleClient.awaitClosedByServer());
        parked.respond(handler.echoOf(parked));

        assertEquals("parked", parkedClient.readString());
        assertEquals(1, server.idleConnectionsClosed());
    }

    @Test
    void shouldRejectConnectionsAboveMaxConnections() throws Exception {
        final SocketServer server = start(TestHandler.echo(), NetworkConfig.MAX_CONNECTIONS_CONFIG, 1);
        final TestClient first = connect(server);
        first.send("first");
        assertEquals("first", first.readString());

        final TestClient second = connect(server);

        assertTrue(second.awaitClosedByServer());
        assertEquals(1, server.connectionsRejected());
        first.send("still served");
        assertEquals("still served", first.readString());
    }

    @Test
    void shouldReleaseResponsesWhenClientDisconnects() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.sendRaw(concat(frame(bytes("1")), frame(bytes("2")), frame(bytes("3"))));
        final NetworkRequest one = handler.nextParked();
        final NetworkRequest two = handler.nextParked();
        final NetworkRequest three = handler.nextParked();
        two.respond(handler.echoOf(two));
        three.respond(handler.echoOf(three));

        client.close();
        await(() -> server.connectionsClosed() == 1, WAIT_MS, () -> "the server sees the disconnect");
        one.respond(handler.echoOf(one));

        for (final TestSend send : handler.sends) {
            await(() -> send.releases.get() == 1, WAIT_MS, () -> "every response released once");
        }
        await(() -> server.frameMemoryInUseBytes() == 0, WAIT_MS, () -> "frame memory freed");
        assertEquals(0, server.bytesOut());
    }

    @Test
    void shouldResumePartialWritesUntilResponseComplete() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("big");
        client.send("after");
        final TestSend big = TestSend.generated(8 * 1024 * 1024);
        handler.nextParked().respond(big);
        final NetworkRequest after = handler.nextParked();
        after.respond(handler.echoOf(after));

        final byte[] payload = client.readFrame();

        assertEquals(8 * 1024 * 1024, payload.length);
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] != (byte) i) {
                throw new AssertionError("byte " + i + " is " + payload[i]);
            }
        }
        assertEquals("after", client.readString());
        await(() -> big.releases.get() == 1, WAIT_MS, () -> "the big response released after writing");
        await(() -> server.bytesOut() == 4 + 8 * 1024 * 1024 + 4 + 5, WAIT_MS, () -> "bytesOut");
    }

    @Test
    void shouldReleasePartiallyWrittenResponseWhenClientDisconnects() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("big");
        final TestSend big = TestSend.generated(64 * 1024 * 1024);
        handler.nextParked().respond(big);
        // the client reads nothing: the response stays partly written until the connection goes
        client.socket().setSoLinger(true, 0);

        client.close();

        await(() -> big.releases.get() == 1, WAIT_MS, () -> "the partial response released");
        assertEquals(0, server.bytesOut());
    }

    @Test
    void shouldFreeHalfReadFrameWhenClientDisconnects() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.sendRaw(Arrays.copyOf(frame(new byte[4000]), 2000));
        await(() -> server.bytesIn() == 2000, WAIT_MS, () -> "half the frame read");
        assertEquals(4096, server.frameMemoryInUseBytes());

        client.close();

        await(() -> server.frameMemoryInUseBytes() == 0, WAIT_MS, () -> "the half frame freed");
        assertEquals(0, server.requestsReceived());
    }

    @Test
    void shouldCallOnDisconnectOnceWhenPeerCloses() throws Exception {
        final TestHandler handler = TestHandler.echo();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("id");
        client.readString();
        final long connectionId = handler.connectionIds.iterator().next();

        client.close();
        await(() -> handler.disconnectsOf(connectionId) == 1, WAIT_MS, () -> "onDisconnect");
        server.close();

        assertEquals(1, handler.disconnectsOf(connectionId));
        assertEquals(1, handler.disconnects.size());
    }

    @Test
    void shouldCloseConnectionAfterEarlierResponsesWhenHandlerAsksToClose() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.sendRaw(concat(frame(bytes("1")), frame(bytes("2")), frame(bytes("3"))));
        final NetworkRequest one = handler.nextParked();
        final NetworkRequest two = handler.nextParked();
        final NetworkRequest three = handler.nextParked();

        three.respond(handler.echoOf(three));
        two.closeConnection();
        one.respond(handler.echoOf(one));

        assertEquals("1", client.readString());
        assertTrue(client.awaitClosedByServer());
        await(() -> handler.firstSend().releases.get() == 1, WAIT_MS, () -> "the unsent response released");
        assertEquals(1, server.connectionsClosed());
    }

    @Test
    void shouldKeepServingWhenHandlerThrows() throws Exception {
        final TestHandler handler = TestHandler.echo().throwingOn((byte) 'X');
        final SocketServer server = start(handler, NetworkConfig.NUM_NETWORK_THREADS_CONFIG, 1);
        final TestClient bad = connect(server);

        bad.send("X marks the bug");

        assertTrue(bad.awaitClosedByServer());
        assertEquals(1, server.handlerErrors());
        assertEquals(0, server.frameMemoryInUseBytes());
        final TestClient good = connect(server);
        good.send("fine");
        assertEquals("fine", good.readString());
        assertEquals(1, server.networkThreadsAlive());
    }

    @Test
    void shouldThrowWhenRequestCompletedTwice() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient client = connect(server);
        client.send("twice");
        final NetworkRequest request = handler.nextParked();
        request.noResponse();
        final TestSend second = TestSend.of(bytes("second"));

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> request.respond(second));

        assertTrue(ex.getMessage().startsWith("Request already completed: connectionId="), ex.getMessage());
        assertEquals(1, second.releases.get());
    }

    @Test
    void shouldReleaseEverythingOnClose() throws Exception {
        final TestHandler handler = TestHandler.parking();
        final SocketServer server = start(handler);
        final TestClient writer = connect(server);
        writer.sendRaw(concat(frame(bytes("big")), frame(bytes("queued"))));
        final NetworkRequest bigRequest = handler.nextParked();
        final NetworkRequest queuedRequest = handler.nextParked();
        final TestSend big = TestSend.generated(64 * 1024 * 1024);
        bigRequest.respond(big);
        queuedRequest.respond(handler.echoOf(queuedRequest));
        final TestClient parker = connect(server);
        parker.send("parked");
        final NetworkRequest parked = handler.nextParked();

        server.close();

        assertEquals(1, big.releases.get());
        assertEquals(1, handler.firstSend().releases.get());
        assertEquals(2, handler.disconnects.size());
        assertEquals(0, server.networkThreadsAlive());
        assertEquals(0, server.openConnections());
        final TestSend late = TestSend.of(bytes("late"));
        parked.respond(late);
        assertEquals(1, late.releases.get());
        assertEquals(0, server.frameMemoryInUseBytes());
        server.close();
    }

    @Test
    void shouldFailWithListenerNameWhenPortInUse() throws Exception {
        final SocketServer first = start(TestHandler.echo());
        final NetworkConfig same = first.config().with(NetworkConfig.LISTENERS_CONFIG,
            "PLAINTEXT://127.0.0.1:" + first.boundPort());

        final IOException ex = assertThrows(IOException.class, () -> SocketServer.open(same, TestHandler.echo()));

        assertTrue(ex.getMessage().startsWith("Cannot bind listeners=PLAINTEXT://127.0.0.1:" + first.boundPort()),
            ex.getMessage());
    }

    @Test
    void shouldSpreadConnectionsOverNetworkThreads() throws Exception {
        final TestHandler handler = TestHandler.echo();
        final SocketServer server = start(handler, NetworkConfig.NUM_NETWORK_THREADS_CONFIG, 3);
        final List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(connect(server));
        }

        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).send("c" + i);
        }

        for (int i = 0; i < clients.size(); i++) {
            assertEquals("c" + i, clients.get(i).readString());
        }
        assertEquals(6, server.connectionsAccepted());
        assertEquals(3, handler.threadNames.size(), handler.threadNames.toString());
    }

    private static byte[] frameOf(final NetworkRequest request) {
        final byte[] bytes = new byte[request.frame().remaining()];
        request.frame().duplicate().get(bytes);
        return bytes;
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
