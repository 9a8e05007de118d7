package keel.server.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking test client that sends hand-built request frames (valid ones built with kafka-clients' request classes,
 * or arbitrary bytes) and reads size-prefixed response frames.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawClient(final int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Sends a request and reads its response.
     */
    public AbstractResponse send(final AbstractRequest request) throws IOException {
        final RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client",
            ++correlationId);
        writeFrame(request.serializeWithHeader(header));
        return AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
    }

    /**
     * Sends a request body of any version, as kafka-clients' generated classes write it, and reads its response.
     */
    public AbstractResponse send(final ApiKeys api, final short version, final ApiMessage body) throws IOException {
        final RequestHeader header = write(api, version, body);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
    }

    /**
     * Sends a request body of any version without waiting for the response.
     *
     * @return the header sent.
     */
    public RequestHeader write(final ApiKeys api, final short version, final ApiMessage body) throws IOException {
        final RequestHeader header = new RequestHeader(api, version, "raw-client", ++correlationId);
        final ByteBuffer head = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        final ByteBuffer rest = MessageUtil.toByteBufferAccessor(body, version).buffer();
        final ByteBuffer frame = ByteBuffer.allocate(head.remaining() + rest.remaining());
        frame.put(head).put(rest).flip();
        writeFrame(frame);
        return header;
    }

    public void writeFrame(final ByteBuffer frame) throws IOException {
        final byte[] bytes = new byte[4 + frame.remaining()];
        ByteBuffer.wrap(bytes).putInt(frame.remaining()).put(frame.duplicate());
        out.write(bytes);
        out.flush();
    }

    public byte[] readFrame() throws IOException {
        final int size = in.readInt();
        final byte[] frame = new byte[size];
        in.readFully(frame);
        return frame;
    }

    /**
     * @return true when the server closed the connection (end of stream before any byte).
     */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (final EOFException ex) {
            return true;
        } catch (final IOException ex) {
            // a reset also means the server hung up
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
