package keel.perf.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The machine's ceilings for moving bytes the ways a log server does, each over the same volume: copy into a
 * fresh file mapping, buffered file write ending in fdatasync ({@code FileChannel.force(false)}), page-cache read,
 * sendfile ({@code FileChannel.transferTo}) to a loopback socket, and plain loopback TCP. One file of
 * {@code volumeBytes} is written in {@code directory} and deleted at the end. Confined to the calling thread plus one
 * receiver thread per socket measure.
 */
public final class MachineLimits {

    /** The unit every measure moves bytes in: 1 MiB, a typical fetch or segment write size. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** fdatasync after every this many bytes of the buffered write, as a log flushing by size would. */
    public static final long FORCE_INTERVAL_BYTES = 64L << 20;

    /**
     * One ceiling.
     *
     * @param name      the measure's name
     * @param bytes     bytes moved
     * @param elapsedNs wall time
     */
    public record Limit(String name, long bytes, long elapsedNs) {
        /** @return megabytes (10^6 bytes) per second */
        public double mbPerSec() {
            return elapsedNs <= 0 ? 0 : bytes * 1e9 / elapsedNs / LoadResult.BYTES_PER_MB;
        }
    }

    private MachineLimits() {
    }

    /**
     * @param directory   where the test file goes (its file system is what the file measures measure)
     * @param volumeBytes bytes each measure moves; a multiple of {@link #CHUNK_BYTES} at least one chunk
     * @param listener    told before each measure starts, for progress
     * @return the five ceilings in the order listed above
     */
    public static List<Limit> measure(final Path directory, final long volumeBytes, final Listener listener)
        throws IOException, InterruptedException {
        if (volumeBytes < CHUNK_BYTES || volumeBytes % CHUNK_BYTES != 0) {
            throw new IllegalArgumentException("volume must be a positive multiple of " + CHUNK_BYTES
                + " bytes: volumeBytes=" + volumeBytes);
        }
        final Path file = Files.createTempFile(directory, "keel-perf-limits-", ".dat");
        final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        final byte[] pattern = Payloads.value(CHUNK_BYTES);
        chunk.put(pattern).flip();
        final List<Limit> limits = new ArrayList<>();
        try {
            listener.onMeasure("mmap-copy", limits.size());
            limits.add(mappedCopy(file, volumeBytes, pattern));
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            listener.onMeasure("write-fdatasync", limits.size());
            limits.add(writeAndForce(file, volumeBytes, chunk));
            listener.onMeasure("page-cache-read", limits.size());
            limits.add(pageCacheRead(file, volumeBytes));
            listener.onMeasure("sendfile-loopback", limits.size());
            limits.add(sendfile(file, volumeBytes));
            listener.onMeasure("tcp-loopback", limits.size());
            limits.add(loopbackTcp(volumeBytes, chunk));
        } finally {
            Files.deleteIfExists(file);
        }
        return limits;
    }

    /** Told before each measure. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param name  the measure about to run
         * @param index its position, from 0
         */
        void onMeasure(String name, int index);
    }

    private static Limit mappedCopy(final Path file, final long volumeBytes, final byte[] pattern)
        throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Blocks are allocated by writing the file first (not a sparse setLength: a store into a hole on a full
            // disk is SIGBUS); the measure is then the copy into fresh, not yet faulted-in mapped pages.
            writeAll(channel, volumeBytes, ByteBuffer.allocateDirect(CHUNK_BYTES));
            final long start = System.nanoTime();
            long position = 0;
            while (position < volumeBytes) {
                final long length = Math.min(Integer.MAX_VALUE & ~(CHUNK_BYTES - 1), volumeBytes - position);
                final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, position, length);
                for (long done = 0; done < length; done += CHUNK_BYTES) {
                    map.put(pattern);
                }
                position += length;
            }
            return new Limit("mmap-copy", volumeBytes, System.nanoTime() - start);
        }
    }

    private static Limit writeAndForce(final Path file, final long volumeBytes, final ByteBuffer chunk)
        throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            final long start = System.nanoTime();
            long written = 0;
            while (written < volumeBytes) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    written += channel.write(chunk);
                }
                if (written % FORCE_INTERVAL_BYTES == 0 || written >= volumeBytes) {
                    channel.force(false);
                }
            }
            return new Limit("write-fdatasync", volumeBytes, System.nanoTime() - start);
        }
    }

    private static Limit pageCacheRead(final Path file, final long volumeBytes) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final long start = System.nanoTime();
            long read = 0;
            while (read < volumeBytes) {
                buffer.clear();
                final int n = channel.read(buffer, read);
                if (n < 0) {
                    throw new IOException("file shorter than written: file=" + file + " position=" + read);
                }
                read += n;
            }
            return new Limit("page-cache-read", volumeBytes, System.nanoTime() - start);
        }
    }

    private static Limit sendfile(final Path file, final long volumeBytes) throws IOException, InterruptedException {
        try (ServerSocketChannel server = bindLoopback();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final Receiver receiver = Receiver.start(server, volumeBytes);
            try (SocketChannel socket = SocketChannel.open(server.getLocalAddress())) {
                final long start = System.nanoTime();
                long sent = 0;
                while (sent < volumeBytes) {
                    sent += channel.transferTo(sent, Math.min(CHUNK_BYTES, volumeBytes - sent), socket);
                }
                receiver.await();
                return new Limit("sendfile-loopback", volumeBytes, System.nanoTime() - start);
            }
        }
    }

    private static Limit loopbackTcp(final long volumeBytes, final ByteBuffer chunk)
        throws IOException, InterruptedException {
        try (ServerSocketChannel server = bindLoopback()) {
            final Receiver receiver = Receiver.start(server, volumeBytes);
            try (SocketChannel socket = SocketChannel.open(server.getLocalAddress())) {
                final long start = System.nanoTime();
                long sent = 0;
                while (sent < volumeBytes) {
                    chunk.clear();
                    while (chunk.hasRemaining()) {
                        sent += socket.write(chunk);
                    }
                }
                receiver.await();
                return new Limit("tcp-loopback", volumeBytes, System.nanoTime() - start);
            }
        }
    }

    private static void writeAll(final FileChannel channel, final long volumeBytes, final ByteBuffer zeros)
        throws IOException {
        long written = 0;
        while (written < volumeBytes) {
            zeros.clear();
            written += channel.write(zeros, written);
        }
    }

    private static ServerSocketChannel bindLoopback() throws IOException {
        final ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    /** Accepts one connection and drains exactly the expected bytes. */
    private static final class Receiver implements Runnable {
        private final ServerSocketChannel server;
        private final long expectedBytes;
        private final AtomicLong received = new AtomicLong();
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private final Thread thread;

        private Receiver(final ServerSocketChannel server, final long expectedBytes) {
            this.server = server;
            this.expectedBytes = expectedBytes;
            this.thread = new Thread(this, "keel-perf-limits-receiver");
            this.thread.setDaemon(true);
        }

        static Receiver start(final ServerSocketChannel server, final long expectedBytes) {
            final Receiver receiver = new Receiver(server, expectedBytes);
            receiver.thread.start();
            return receiver;
        }

        @Override
        public void run() {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_BYTES);
            try (SocketChannel socket = server.accept()) {
                long total = 0;
                while (total < expectedBytes) {
                    buffer.clear();
                    final int n = socket.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                received.set(total);
            } catch (final IOException e) {
                failure.set(e);
            }
        }

        void await() throws InterruptedException, IOException {
            thread.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            if (received.get() != expectedBytes) {
                throw new UncheckedIOException(new IOException("loopback receiver got " + received.get()
                    + " bytes: expectedBytes=" + expectedBytes));
            }
        }
    }
}
