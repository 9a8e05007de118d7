package keel.server.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of the network layer, with Apache Kafka's broker key names and defaults where the concept is the
 * same, and Keel's own keys (prefixed {@code keel.}) where Kafka has none. Immutable and validated once at
 * construction: a bad value fails fast with the key, the value and the allowed range, never a silent clamp.
 * Thread-safe.
 */
public final class NetworkConfig {
    public static final String LISTENERS_CONFIG = "listeners";
    public static final String LISTENERS_DEFAULT = "PLAINTEXT://127.0.0.1:9092";
    public static final String LISTENERS_DOC = "The one listener, as PLAINTEXT://host:port. An empty host binds every "
        + "interface; port 0 binds an ephemeral port.";

    public static final String NUM_NETWORK_THREADS_CONFIG = "num.network.threads";
    public static final int NUM_NETWORK_THREADS_DEFAULT = 3;
    public static final String NUM_NETWORK_THREADS_DOC = "Selector threads that read requests and write responses; "
        + "connections are assigned to them round-robin.";

    public static final String SOCKET_REQUEST_MAX_BYTES_CONFIG = "socket.request.max.bytes";
    public static final int SOCKET_REQUEST_MAX_BYTES_DEFAULT = 104857600;
    public static final String SOCKET_REQUEST_MAX_BYTES_DOC = "Largest request frame (size prefix excluded); a "
        + "connection announcing a larger or negative size is closed before anything is allocated.";

    public static final String SOCKET_SEND_BUFFER_BYTES_CONFIG = "socket.send.buffer.bytes";
    public static final int SOCKET_SEND_BUFFER_BYTES_DEFAULT = 102400;
    public static final String SOCKET_SEND_BUFFER_BYTES_DOC = "SO_SNDBUF of accepted connections; -1: the OS default.";

    public static final String SOCKET_RECEIVE_BUFFER_BYTES_CONFIG = "socket.receive.buffer.bytes";
    public static final int SOCKET_RECEIVE_BUFFER_BYTES_DEFAULT = 102400;
    public static final String SOCKET_RECEIVE_BUFFER_BYTES_DOC = "SO_RCVBUF of the listening socket, inherited by "
        + "accepted connections; -1: the OS default.";

    public static final String MAX_CONNECTIONS_CONFIG = "max.connections";
    public static final int MAX_CONNECTIONS_DEFAULT = Integer.MAX_VALUE;
    public static final String MAX_CONNECTIONS_DOC = "Open connections allowed; a connection accepted above it is "
        + "closed at once.";

    public static final String CONNECTIONS_MAX_IDLE_MS_CONFIG = "connections.max.idle.ms";
    public static final long CONNECTIONS_MAX_IDLE_MS_DEFAULT = 600000L;
    public static final String CONNECTIONS_MAX_IDLE_MS_DOC = "A connection with nothing read or written for this "
        + "long, and no request in flight, is closed; -1: never.";

    public static final String QUEUED_MAX_REQUEST_BYTES_CONFIG = "queued.max.request.bytes";
    public static final long QUEUED_MAX_REQUEST_BYTES_DEFAULT = 256L * 1024 * 1024;
    public static final String QUEUED_MAX_REQUEST_BYTES_DOC = "Memory held by request frames read but not yet "
        + "completed, over all connections; at the bound the server stops reading until requests complete. "
        + "-1: unbounded (Kafka's default; Keel's is 256 MiB). Must be -1 or at least socket.request.max.bytes.";

    public static final String MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG =
        "keel.max.inflight.requests.per.connection";
    public static final int MAX_INFLIGHT_REQUESTS_PER_CONNECTION_DEFAULT = 5;
    public static final String MAX_INFLIGHT_REQUESTS_PER_CONNECTION_DOC = "Requests of one connection read but not "
        + "yet answered (pipelining); at the bound the server stops reading that connection.";

    private static final Set<String> KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
        LISTENERS_CONFIG, NUM_NETWORK_THREADS_CONFIG, SOCKET_REQUEST_MAX_BYTES_CONFIG, SOCKET_SEND_BUFFER_BYTES_CONFIG,
        SOCKET_RECEIVE_BUFFER_BYTES_CONFIG, MAX_CONNECTIONS_CONFIG, CONNECTIONS_MAX_IDLE_MS_CONFIG,
        QUEUED_MAX_REQUEST_BYTES_CONFIG, MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG)));

    private static final int MAX_NETWORK_THREADS = 1024;
    private static final int MAX_INFLIGHT_REQUESTS = 1024;
    private static final String PLAINTEXT_PREFIX = "PLAINTEXT://";

    private static final NetworkConfig DEFAULTS = new NetworkConfig(Collections.emptyMap());

    private final String listener;
    private final String host;
    private final int port;
    private final int numNetworkThreads;
    private final int socketRequestMaxBytes;
    private final int socketSendBufferBytes;
    private final int socketReceiveBufferBytes;
    private final int maxConnections;
    private final long connectionsMaxIdleMs;
    private final long queuedMaxRequestBytes;
    private final int maxInflightRequestsPerConnection;

    private NetworkConfig(final Map<String, String> props) {
        listener = props.getOrDefault(LISTENERS_CONFIG, LISTENERS_DEFAULT).trim();
        final int colon = listener.lastIndexOf(':');
        if (!listener.startsWith(PLAINTEXT_PREFIX) || listener.indexOf(',') >= 0 || colon < PLAINTEXT_PREFIX.length()) {
            throw invalid(LISTENERS_CONFIG, listener, "one listener PLAINTEXT://host:port");
        }
        final String rawHost = listener.substring(PLAINTEXT_PREFIX.length(), colon);
        // an IPv6 literal is written in brackets, as in Kafka: PLAINTEXT://[::1]:9092
        host = rawHost.startsWith("[") && rawHost.endsWith("]") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        final String rawPort = listener.substring(colon + 1);
        final int parsedPort;
        try {
            parsedPort = Integer.parseInt(rawPort);
        } catch (final NumberFormatException ex) {
            throw invalid(LISTENERS_CONFIG, listener, "one listener PLAINTEXT://host:port with port in [0, 65535]");
        }
        if (parsedPort < 0 || parsedPort > 65535) {
            throw invalid(LISTENERS_CONFIG, listener, "one listener PLAINTEXT://host:port with port in [0, 65535]");
        }
        port = parsedPort;
        numNetworkThreads = (int) longValue(props, NUM_NETWORK_THREADS_CONFIG, NUM_NETWORK_THREADS_DEFAULT, 1,
            MAX_NETWORK_THREADS);
        socketRequestMaxBytes = (int) longValue(props, SOCKET_REQUEST_MAX_BYTES_CONFIG,
            SOCKET_REQUEST_MAX_BYTES_DEFAULT, 1, Integer.MAX_VALUE);
        socketSendBufferBytes = (int) minusOneOr(props, SOCKET_SEND_BUFFER_BYTES_CONFIG,
            SOCKET_SEND_BUFFER_BYTES_DEFAULT, 1, Integer.MAX_VALUE);
        socketReceiveBufferBytes = (int) minusOneOr(props, SOCKET_RECEIVE_BUFFER_BYTES_CONFIG,
            SOCKET_RECEIVE_BUFFER_BYTES_DEFAULT, 1, Integer.MAX_VALUE);
        maxConnections = (int) longValue(props, MAX_CONNECTIONS_CONFIG, MAX_CONNECTIONS_DEFAULT, 0,
            Integer.MAX_VALUE);
        connectionsMaxIdleMs = minusOneOr(props, CONNECTIONS_MAX_IDLE_MS_CONFIG, CONNECTIONS_MAX_IDLE_MS_DEFAULT, 1,
            Long.MAX_VALUE);
        // below socket.request.max.bytes a largest frame could never be admitted (Kafka has the same rule)
        queuedMaxRequestBytes = minusOneOr(props, QUEUED_MAX_REQUEST_BYTES_CONFIG, QUEUED_MAX_REQUEST_BYTES_DEFAULT,
            socketRequestMaxBytes, Long.MAX_VALUE);
        maxInflightRequestsPerConnection = (int) longValue(props, MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG,
            MAX_INFLIGHT_REQUESTS_PER_CONNECTION_DEFAULT, 1, MAX_INFLIGHT_REQUESTS);
    }

    /**
     * @return the configuration with every key at its default.
     */
    public static NetworkConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Builds the configuration from the server's properties. Only the keys of {@link #keys()} are read; other keys
     * belong to other parts of the server's configuration and are ignored here (the server's loader is the place
     * that rejects unknown keys). Absent keys take their defaults.
     *
     * @param props key to value, as in a properties file.
     * @return the validated configuration.
     * @throws IllegalArgumentException naming the key, the value and the allowed range for a bad value.
     */
    public static NetworkConfig fromMap(final Map<String, String> props) {
        final Map<String, String> own = new LinkedHashMap<>();
        for (final Map.Entry<String, String> entry : props.entrySet()) {
            if (KEYS.contains(entry.getKey())) {
                own.put(entry.getKey(), entry.getValue());
            }
        }
        return new NetworkConfig(own);
    }

    /**
     * @param overrides keys to change.
     * @return a new configuration with the overrides applied on top of this one.
     * @throws IllegalArgumentException for an unknown key or a bad value.
     */
    public NetworkConfig with(final Map<String, String> overrides) {
        for (final String key : overrides.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown network configuration key " + key + " (known: " + KEYS
                    + ")");
            }
        }
        final Map<String, String> merged = toMap();
        merged.putAll(overrides);
        return new NetworkConfig(merged);
    }

    /**
     * @param key   a key of {@link #keys()}.
     * @param value its new value.
     * @return a new configuration with one key changed.
     */
    public NetworkConfig with(final String key, final Object value) {
        return with(Map.of(key, String.valueOf(value)));
    }

    /**
     * @return every key with its value as a string, in a stable order.
     */
    public Map<String, String> toMap() {
        final Map<String, String> map = new LinkedHashMap<>();
        map.put(LISTENERS_CONFIG, listener);
        map.put(NUM_NETWORK_THREADS_CONFIG, Integer.toString(numNetworkThreads));
        map.put(SOCKET_REQUEST_MAX_BYTES_CONFIG, Integer.toString(socketRequestMaxBytes));
        map.put(SOCKET_SEND_BUFFER_BYTES_CONFIG, Integer.toString(socketSendBufferBytes));
        map.put(SOCKET_RECEIVE_BUFFER_BYTES_CONFIG, Integer.toString(socketReceiveBufferBytes));
        map.put(MAX_CONNECTIONS_CONFIG, Integer.toString(maxConnections));
        map.put(CONNECTIONS_MAX_IDLE_MS_CONFIG, Long.toString(connectionsMaxIdleMs));
        map.put(QUEUED_MAX_REQUEST_BYTES_CONFIG, Long.toString(queuedMaxRequestBytes));
        map.put(MAX_INFLIGHT_REQUESTS_PER_CONNECTION_CONFIG, Integer.toString(maxInflightRequestsPerConnection));
        return map;
    }

    /**
     * @return every key this configuration knows.
     */
    public static Set<String> keys() {
        return KEYS;
    }

    /**
     * @return the listener as configured, {@code PLAINTEXT://host:port}.
     */
    public String listener() {
        return listener;
    }

    /**
     * @return the host to bind, without IPv6 brackets; empty for every interface.
     */
    public String host() {
        return host;
    }

    /**
     * @return the port to bind; 0 for an ephemeral port.
     */
    public int port() {
        return port;
    }

    public int numNetworkThreads() {
        return numNetworkThreads;
    }

    public int socketRequestMaxBytes() {
        return socketRequestMaxBytes;
    }

    /**
     * @return SO_SNDBUF for accepted connections, -1 for the OS default.
     */
    public int socketSendBufferBytes() {
        return socketSendBufferBytes;
    }

    /**
     * @return SO_RCVBUF for the listening socket, -1 for the OS default.
     */
    public int socketReceiveBufferBytes() {
        return socketReceiveBufferBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /**
     * @return the idle timeout, -1 for none.
     */
    public long connectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    /**
     * @return the bound on memory held by uncompleted request frames, -1 for none.
     */
    public long queuedMaxRequestBytes() {
        return queuedMaxRequestBytes;
    }

    public int maxInflightRequestsPerConnection() {
        return maxInflightRequestsPerConnection;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof NetworkConfig && toMap().equals(((NetworkConfig) o).toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "NetworkConfig" + toMap();
    }

    private static long minusOneOr(final Map<String, String> props, final String key, final long defaultValue,
                                   final long min, final long max) {
        final String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        final String allowed = "-1 or [" + min + ", " + max + "]";
        final long value = parse(key, raw, allowed);
        if (value != -1 && (value < min || value > max)) {
            throw invalid(key, raw, allowed);
        }
        return value;
    }

    private static long longValue(final Map<String, String> props, final String key, final long defaultValue,
                                  final long min, final long max) {
        final String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        final String allowed = "[" + min + ", " + max + "]";
        final long value = parse(key, raw, allowed);
        if (value < min || value > max) {
            throw invalid(key, raw, allowed);
        }
        return value;
    }

    private static long parse(final String key, final String raw, final String allowed) {
        try {
            return Long.parseLong(raw.trim());
        } catch (final NumberFormatException ex) {
            throw invalid(key, raw, "an integer in " + allowed);
        }
    }

    private static IllegalArgumentException invalid(final String key, final String value, final String allowed) {
        return new IllegalArgumentException("Invalid value " + value + " for configuration " + key
            + ": allowed " + allowed);
    }
}
