package keel.server.network;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking client for tests: writes frames or raw bytes, reads size-prefixed frames, with a 10 s read timeout so
 * that no test can hang. Confined to the test thread.
 */
final class TestClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    TestClient(final int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(socket.getOutputStream());
    }

    static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] frame(final byte[] payload) {
        final byte[] frame = new byte[Integer.BYTES + payload.length];
        frame[0] = (byte) (payload.length >>> 24);
        frame[1] = (byte) (payload.length >>> 16);
        frame[2] = (byte) (payload.length >>> 8);
        frame[3] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, Integer.BYTES, payload.length);
        return frame;
    }

    void send(final String payload) throws IOException {
        sendRaw(frame(bytes(payload)));
    }

    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendSize(final int size) throws IOException {
        out.writeInt(size);
        out.flush();
    }

    byte[] readFrame() throws IOException {
        final int size = in.readInt();
        final byte[] payload = new byte[size];
        in.readFully(payload);
        return payload;
    }

    String readString() throws IOException {
        return new String(readFrame(), StandardCharsets.UTF_8);
    }

    /**
     * @return true when the server closed the connection (end of stream or reset) within the read timeout; false
     *     when it sent bytes instead.
     */
    boolean awaitClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (final EOFException | SocketException ex) {
            return true;
        } catch (final SocketTimeoutException ex) {
            throw new AssertionError("the server did not close the connection within 10 s", ex);
        }
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
