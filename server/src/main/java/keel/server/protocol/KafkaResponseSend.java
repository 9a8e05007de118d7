package keel.server.protocol;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;

import keel.log.ReadResult;
import keel.server.network.ResponseSend;
import org.apache.kafka.common.network.Send;

/**
 * A response encoded by kafka-clients ({@code SendBuilder.buildResponseSend}: size prefix, header, body, with record
 * data as file regions), written to a non-blocking socket; {@link #release()} frees the segment reservations of the
 * fetched regions. Confined to the writing network thread; release is idempotent.
 */
final class KafkaResponseSend implements ResponseSend {
    private final Send send;
    private final List<ReadResult> reads;
    private final SocketTransferableChannel adapter = new SocketTransferableChannel();
    private boolean released;

    KafkaResponseSend(final Send send, final List<ReadResult> reads) {
        this.send = send;
        this.reads = reads;
    }

    @Override
    public boolean writeTo(final SocketChannel channel) throws IOException {
        if (send.completed()) {
            return true;
        }
        send.writeTo(adapter.wrap(channel));
        return send.completed();
    }

    @Override
    public long sizeInBytes() {
        return send.size();
    }

    @Override
    public void release() {
        if (released) {
            return;
        }
        released = true;
        for (int i = 0; i < reads.size(); i++) {
            reads.get(i).release();
        }
    }

    @Override
    public String toString() {
        return "KafkaResponseSend{size=" + send.size() + ", regions=" + reads.size() + '}';
    }
}
