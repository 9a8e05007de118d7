package keel.server.network;

import static keel.log.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 100,000 frames, well-formed, oversized, negative, truncated and garbage, with abrupt disconnects, over a handful
 * of connections; the server must answer every well-formed frame it can, in order, and end where it started.
 * Seeded: a failure prints the seed, and the test re-runs with it.
 */
class SocketServerFuzzTest {
    private static final int FRAMES = 100_000;
    private static final int CONNECTIONS = 4;
    private static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;
    private static final byte CLOSE_MARKER = 0;
    /** Frames per batch; with the answers they stay well within the socket buffers, so client writes never block. */
    private static final int MAX_BATCH = 32;

    @ParameterizedTest
    @ValueSource(longs = {20261207L})
    @Timeout(60)
    void shouldSurviveRandomAndTruncatedFramesWhenClientsMisbehave(final long seed) throws Exception {
        final TestHandler handler = TestHandler.echo().closingOn(CLOSE_MARKER);
        final NetworkConfig config = NetworkConfig.defaults().with(Map.of(
            NetworkConfig.LISTENERS_CONFIG, "PLAINTEXT://127.0.0.1:0",
            NetworkConfig.NUM_NETWORK_THREADS_CONFIG, "2",
            NetworkConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG, Integer.toString(MAX_REQUEST_BYTES),
            NetworkConfig.QUEUED_MAX_REQUEST_BYTES_CONFIG, Integer.toString(4 * MAX_REQUEST_BYTES),
            NetworkConfig.MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG, Integer.toString(MAX_BATCH / 2)));
        try (SocketServer server = SocketServer.open(config, handler)) {
            final Fuzzer fuzzer = new Fuzzer(new Random(seed), server.boundPort());
            try {
                fuzzer.run();
            } catch (final AssertionError | IOException ex) {
                throw new AssertionError("seed=" + seed + " after " + fuzzer.frames + " frames: " + ex, ex);
            }

            try (TestClient client = new TestClient(server.boundPort())) {
                client.send("still answering");
                assertEquals("still answering", client.readString(), "seed=" + seed);
            }
            await(() -> server.openConnections() == 0, 10_000, () -> "every connection closed, seed=" + seed);
            await(() -> server.frameMemoryInUseBytes() == 0, 10_000, () -> "frame memory back to 0, seed=" + seed);
            for (final TestSend send : handler.sends) {
                await(() -> send.releases.get() == 1, 10_000, () -> "each response released once, seed=" + seed);
            }
            assertEquals(2, server.networkThreadsAlive(), "seed=" + seed);
            assertEquals(0, server.handlerErrors(), "seed=" + seed);
            assertTrue(server.framesRejected() > 0, "seed=" + seed);
            assertTrue(server.pooledFrameBytes() <= 2L * 16 * 1024 * 1024, "seed=" + seed);
            for (final Long id : handler.connectionIds) {
                assertEquals(1, handler.disconnectsOf(id), "onDisconnect once for " + id + ", seed=" + seed);
            }
        }
    }

    /** Drives the connections from the test thread. */
    private static final class Fuzzer {
        private final Random random;
        private final int port;
        private final TestClient[] clients = new TestClient[CONNECTIONS];
        int frames;

        Fuzzer(final Random random, final int port) {
            this.random = random;
            this.port = port;
        }

        void run() throws IOException {
            try {
                for (int round = 0; frames < FRAMES; round++) {
                    final int slot = round % CONNECTIONS;
                    if (clients[slot] == null) {
                        clients[slot] = new TestClient(port);
                    }
                    if (!batch(clients[slot])) {
                        clients[slot].close();
                        clients[slot] = null;
                    }
                }
            } finally {
                for (final TestClient client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
        }

        /**
         * Sends up to MAX_BATCH well-formed frames, maybe followed by one bad ending, then checks the answers.
         *
         * @return false when the connection is done for.
         */
        private boolean batch(final TestClient client) throws IOException {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final List<byte[]> expected = new ArrayList<>();
            final int count = 1 + random.nextInt(MAX_BATCH);
            for (int i = 0; i < count; i++) {
                final byte[] payload = new byte[random.nextInt(700)];
                random.nextBytes(payload);
                if (payload.length > 0 && payload[0] == CLOSE_MARKER) {
                    payload[0] = 1;
                }
                out.writeBytes(TestClient.frame(payload));
                expected.add(payload);
                frames++;
            }
            // per mille: 900 no bad ending, 2 a large frame, 98 a bad ending of one of five kinds
            final int draw = random.nextInt(1000);
            if (draw < 900) {
                return sendAndExpect(client, out.toByteArray(), expected, false);
            }
            final int ending = draw < 902 ? 90 : 91 + (draw - 902) % 9;
            if (ending < 90) {
                return sendAndExpect(client, out.toByteArray(), expected, false);
            }
            frames++;
            switch (ending) {
                case 90:
                    // one large frame on its own: the heap-buffer path, read in chunks
                    send(client, out.toByteArray());
                    expectAnswers(client, expected, false);
                    final byte[] large = new byte[FramePool.MAX_POOLED_BYTES + random.nextInt(MAX_REQUEST_BYTES
                        - FramePool.MAX_POOLED_BYTES)];
                    random.nextBytes(large);
                    large[0] = 1;
                    return sendAndExpect(client, TestClient.frame(large), List.of(large), false);
                case 91:
                case 92:
                    // the handler asks to close: every earlier answer arrives, then the end of the stream
                    out.writeBytes(TestClient.frame(new byte[] {CLOSE_MARKER, 1, 2}));
                    sendAndExpect(client, out.toByteArray(), expected, true);
                    return false;
                case 93:
                case 94:
                    // a size prefix out of range: the server closes; earlier answers may or may not make it
                    final int size = random.nextBoolean() ? -1 - random.nextInt(Integer.MAX_VALUE)
                        : MAX_REQUEST_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - MAX_REQUEST_BYTES);
                    out.write(size >>> 24);
                    out.write(size >>> 16);
                    out.write(size >>> 8);
                    out.write(size);
                    final byte[] tail = new byte[random.nextInt(64)];
                    random.nextBytes(tail);
                    out.writeBytes(tail);
                    sendAndExpectPrefix(client, out.toByteArray(), expected);
                    return false;
                case 95:
                case 96:
                    // a truncated frame, then the client vanishes (reset or orderly close)
                    final byte[] truncated = TestClient.frame(new byte[1 + random.nextInt(5000)]);
                    out.write(truncated, 0, 1 + random.nextInt(truncated.length - 1));
                    send(client, out.toByteArray());
                    abruptly(client);
                    return false;
                case 97:
                case 98:
                    // garbage of any length, then the client vanishes
                    final byte[] garbage = new byte[1 + random.nextInt(200)];
                    random.nextBytes(garbage);
                    out.writeBytes(garbage);
                    send(client, out.toByteArray());
                    abruptly(client);
                    return false;
                default:
                    // well-formed requests whose answers nobody reads
                    send(client, out.toByteArray());
                    abruptly(client);
                    return false;
            }
        }

        private void abruptly(final TestClient client) throws IOException {
            if (random.nextBoolean()) {
                client.socket().setSoLinger(true, 0);
            }
            client.close();
        }

        private static boolean send(final TestClient client, final byte[] bytes) {
            try {
                client.sendRaw(bytes);
                return true;
            } catch (final IOException ex) {
                return false; // the server may close first (it does so after a bad frame)
            }
        }

        private static boolean sendAndExpect(final TestClient client, final byte[] bytes, final List<byte[]> expected,
                                             final boolean thenClosed) throws IOException {
            client.sendRaw(bytes);
            expectAnswers(client, expected, thenClosed);
            return true;
        }

        private static void expectAnswers(final TestClient client, final List<byte[]> expected,
                                          final boolean thenClosed) throws IOException {
            for (final byte[] payload : expected) {
                assertArrayEquals(payload, client.readFrame());
            }
            if (thenClosed) {
                assertTrue(client.awaitClosedByServer(), "closed after the earlier answers");
            }
        }

        private static void sendAndExpectPrefix(final TestClient client, final byte[] bytes,
                                                final List<byte[]> expected) throws IOException {
            if (!send(client, bytes)) {
                return;
            }
            for (final byte[] payload : expected) {
                final byte[] answer;
                try {
                    answer = client.readFrame();
                } catch (final EOFException | SocketException ex) {
                    return; // closed before this answer: allowed after garbage
                }
                assertArrayEquals(payload, answer);
            }
            assertTrue(client.awaitClosedByServer(), "closed after the bad size");
        }
    }
}
