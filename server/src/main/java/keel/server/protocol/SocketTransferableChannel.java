package keel.server.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import org.apache.kafka.common.network.TransferableChannel;

/**
 * Kafka's {@link TransferableChannel} over a plain non-blocking {@link SocketChannel}, so that kafka-clients'
 * {@code Send} objects write to Keel's connections; {@link #transferFrom} is {@code FileChannel.transferTo}
 * (sendfile on Linux). Confined to the network thread writing the response.
 */
final class SocketTransferableChannel implements TransferableChannel {
    private SocketChannel channel;

    SocketTransferableChannel wrap(final SocketChannel socket) {
        this.channel = socket;
        return this;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(final FileChannel fileChannel, final long position, final long count)
        throws IOException {
        return fileChannel.transferTo(position, count, channel);
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    public long write(final ByteBuffer[] srcs) throws IOException {
        return channel.write(srcs);
    }

    @Override
    public int write(final ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
