package keel.server.protocol;

import java.io.IOException;

import keel.log.ReadResult;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * The record data of one fetched partition as a region of a segment file, sent by {@code FileChannel.transferTo}
 * (zero copy): kafka-clients' {@code SendBuilder} writes a {@link TransferableRecords} through its {@link #toSend()}.
 * Holds the {@link ReadResult} and with it the segment's reservation; the response releases it once sent.
 */
final class FileRegionRecords implements TransferableRecords {
    private final ReadResult read;

    FileRegionRecords(final ReadResult read) {
        this.read = read;
    }

    ReadResult read() {
        return read;
    }

    @Override
    public int sizeInBytes() {
        return read.sizeInBytes();
    }

    @Override
    public RecordsSend<? extends TransferableRecords> toSend() {
        return new DefaultRecordsSend<>(this);
    }

    @Override
    public int writeTo(final TransferableChannel channel, final int offset, final int length) throws IOException {
        return (int) channel.transferFrom(read.channel(), read.position() + offset, length);
    }

    @Override
    public String toString() {
        return "FileRegionRecords{" + read + '}';
    }
}
