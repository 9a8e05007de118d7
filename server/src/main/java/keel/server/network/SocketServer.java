package keel.server.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import keel.log.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keel's listener: an acceptor thread and {@code num.network.threads} network threads ({@link Processor}), each
 * with its own selector. The acceptor closes connections above {@code max.connections} at once and gives the others
 * to the network threads round-robin. See docs/network.md. Thread-safe.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    /** Back-off after a failed accept (for example out of file descriptors), which would otherwise spin. */
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final NetworkConfig config;
    private final ServerSocketChannel serverChannel;
    private final int boundPort;
    private final Processor[] processors;
    private final FrameMemory memory;
    private final AtomicInteger openConnections;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread acceptor;
    private long nextConnectionId;
    private volatile long connectionsAccepted;
    private volatile long connectionsRejected;

    private SocketServer(final NetworkConfig config, final ServerSocketChannel serverChannel, final int boundPort,
                         final Processor[] processors, final FrameMemory memory,
                         final AtomicInteger openConnections) {
        this.config = config;
        this.serverChannel = serverChannel;
        this.boundPort = boundPort;
        this.processors = processors;
        this.memory = memory;
        this.openConnections = openConnections;
    }

    /**
     * Binds the listener and starts the acceptor and network threads.
     *
     * @param config  the network configuration.
     * @param handler receives every request.
     * @return the running server.
     * @throws IOException when the listener cannot be bound; the message names the listener.
     */
    public static SocketServer open(final NetworkConfig config, final RequestHandler handler) throws IOException {
        return open(config, handler, Time.SYSTEM);
    }

    /**
     * Binds the listener and starts the acceptor and network threads.
     *
     * @param config  the network configuration.
     * @param handler receives every request.
     * @param time    the clock for idle timeouts and {@link NetworkRequest#receivedNanos()}.
     * @return the running server.
     * @throws IOException when the listener cannot be bound; the message names the listener.
     */
    public static SocketServer open(final NetworkConfig config, final RequestHandler handler, final Time time)
        throws IOException {
        final int threads = config.numNetworkThreads();
        final Selector[] selectors = new Selector[threads];
        ServerSocketChannel serverChannel = null;
        try {
            serverChannel = ServerSocketChannel.open();
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (config.socketReceiveBufferBytes() != -1) {
                // set on the listening socket so that accepted sockets inherit it before the TCP handshake, which is
                // when the window scale is agreed
                serverChannel.setOption(StandardSocketOptions.SO_RCVBUF, config.socketReceiveBufferBytes());
            }
            final InetSocketAddress address = config.host().isEmpty()
                ? new InetSocketAddress(config.port()) : new InetSocketAddress(config.host(), config.port());
            serverChannel.bind(address);
            for (int i = 0; i < threads; i++) {
                selectors[i] = Selector.open();
            }
        } catch (final IOException | UnresolvedAddressException ex) {
            closeAll(serverChannel, selectors);
            throw new IOException("Cannot bind " + NetworkConfig.LISTENERS_CONFIG + "=" + config.listener() + ": "
                + ex, ex);
        }
        final int boundPort = ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
        final Processor[] processors = new Processor[threads];
        // frees happen on any thread; they wake the network threads that stopped reading for want of memory
        final FrameMemory memory = new FrameMemory(config.queuedMaxRequestBytes(), () -> {
            for (final Processor processor : processors) {
                if (processor != null) {
                    processor.wakeupIfWaitingForMemory();
                }
            }
        });
        final AtomicInteger openConnections = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            processors[i] = new Processor("keel-network-" + boundPort + "-" + i, selectors[i], config, handler, memory,
                openConnections, time);
        }
        final SocketServer server = new SocketServer(config, serverChannel, boundPort, processors, memory,
            openConnections);
        server.start();
        LOG.info("Listening on {} (port {}) with {} network threads", config.listener(), boundPort, threads);
        return server;
    }

    private void start() {
        for (final Processor processor : processors) {
            processor.start();
        }
        acceptor = new Thread(this::acceptLoop, "keel-acceptor-" + boundPort);
        acceptor.start();
    }

    /**
     * @return the port the listener is bound to (the ephemeral one when the configured port is 0).
     */
    public int boundPort() {
        return boundPort;
    }

    /**
     * @return the configuration the server runs with.
     */
    public NetworkConfig config() {
        return config;
    }

    private void acceptLoop() {
        int next = 0;
        while (true) {
            final SocketChannel channel;
            try {
                channel = serverChannel.accept();
            } catch (final ClosedChannelException ex) {
                return; // close(): the listener is closed, including an accept interrupted by it
            } catch (final IOException ex) {
                if (!serverChannel.isOpen()) {
                    return;
                }
                LOG.warn("Accepting a connection on {} failed; retrying", config.listener(), ex);
                LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
                continue;
            }
            if (openConnections.incrementAndGet() > config.maxConnections()) {
                openConnections.decrementAndGet();
                connectionsRejected = connectionsRejected + 1;
                closeQuietly(channel);
                continue;
            }
            final Processor processor = processors[next];
            final Connection connection;
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                if (config.socketSendBufferBytes() != -1) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, config.socketSendBufferBytes());
                }
                final InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
                if (remote == null) {
                    throw new IOException("not connected");
                }
                connection = new Connection(nextConnectionId++, channel, remote, processor,
                    config.maxInflightRequestsPerConnection());
            } catch (final IOException ex) {
                // the peer went away between the handshake and here: nothing to report
                openConnections.decrementAndGet();
                closeQuietly(channel);
                continue;
            }
            connectionsAccepted = connectionsAccepted + 1;
            processor.accept(connection);
            next = next + 1 == processors.length ? 0 : next + 1;
        }
    }

    /**
     * Stops accepting, closes every connection (releasing every pending response and calling
     * {@link RequestHandler#onDisconnect} for each), and joins the threads. Requests completed afterwards have
     * their responses released at once. Idempotent.
     *
     * @throws IllegalStateException when called on a network thread (from the handler), which close() would wait
     *                               for forever.
     */
    @Override
    public void close() {
        for (final Processor processor : processors) {
            if (Thread.currentThread() == processor.thread()) {
                throw new IllegalStateException("SocketServer.close() called on network thread "
                    + processor.thread().getName() + "; call it from another thread");
            }
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            serverChannel.close();
        } catch (final IOException ex) {
            LOG.warn("Closing the listener {} failed", config.listener(), ex);
        }
        boolean interrupted = join(acceptor);
        for (final Processor processor : processors) {
            processor.stop();
        }
        for (final Processor processor : processors) {
            interrupted |= join(processor.thread());
        }
        LOG.info("Closed {} (port {})", config.listener(), boundPort);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return network threads still running: {@code num.network.threads} until {@link #close()}, whatever the
     *     clients and the handler did.
     */
    public int networkThreadsAlive() {
        int alive = 0;
        for (final Processor processor : processors) {
            if (processor.thread().isAlive()) {
                alive++;
            }
        }
        return alive;
    }

    /**
     * @return connections accepted and handed to a network thread.
     */
    public long connectionsAccepted() {
        return connectionsAccepted;
    }

    /**
     * @return connections closed at accept because {@code max.connections} were open.
     */
    public long connectionsRejected() {
        return connectionsRejected;
    }

    /**
     * @return accepted connections closed since, for any reason.
     */
    public long connectionsClosed() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.connectionsClosed();
        }
        return sum;
    }

    /**
     * @return connections closed by {@code connections.max.idle.ms}.
     */
    public long idleConnectionsClosed() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.idleConnectionsClosed();
        }
        return sum;
    }

    /**
     * @return connections open now (accepted and not closed yet).
     */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * @return request frames read and handed to the handler.
     */
    public long requestsReceived() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.requestsReceived();
        }
        return sum;
    }

    /**
     * @return bytes read from clients, size prefixes included.
     */
    public long bytesIn() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.bytesIn();
        }
        return sum;
    }

    /**
     * @return bytes of responses written in full, size prefixes included.
     */
    public long bytesOut() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.bytesOut();
        }
        return sum;
    }

    /**
     * @return connections closed because a size prefix was negative or above {@code socket.request.max.bytes}.
     */
    public long framesRejected() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.framesRejected();
        }
        return sum;
    }

    /**
     * @return RuntimeExceptions thrown by the handler (each closed its connection).
     */
    public long handlerErrors() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.handlerErrors();
        }
        return sum;
    }

    /**
     * @return bytes held by request frames read and not completed yet (bounded by
     *     {@code queued.max.request.bytes}); 0 when the server is idle.
     */
    public long frameMemoryInUseBytes() {
        return memory.usedBytes();
    }

    /**
     * @return bytes of idle frame buffers kept for reuse by the network threads.
     */
    public long pooledFrameBytes() {
        long sum = 0;
        for (final Processor processor : processors) {
            sum += processor.pooledBytes();
        }
        return sum;
    }

    private static boolean join(final Thread thread) {
        boolean interrupted = false;
        while (thread != null && thread.isAlive()) {
            try {
                thread.join();
            } catch (final InterruptedException ex) {
                // keep waiting: close() promises the threads are gone when it returns; the flag is restored after
                interrupted = true;
            }
        }
        return interrupted;
    }

    private static void closeQuietly(final SocketChannel channel) {
        try {
            channel.close();
        } catch (final IOException ex) {
            LOG.debug("Closing a rejected connection failed", ex);
        }
    }

    private static void closeAll(final ServerSocketChannel serverChannel, final Selector[] selectors) {
        try {
            if (serverChannel != null) {
                serverChannel.close();
            }
        } catch (final IOException ex) {
            LOG.debug("Closing the listener after a failed bind failed", ex);
        }
        for (final Selector selector : selectors) {
            if (selector != null) {
                try {
                    selector.close();
                } catch (final IOException ex) {
                    LOG.debug("Closing a selector after a failed bind failed", ex);
                }
            }
        }
    }
}
