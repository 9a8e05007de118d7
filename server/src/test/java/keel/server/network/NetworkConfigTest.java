package keel.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class NetworkConfigTest {
    @Test
    void shouldUseKafkaDefaultsAndKeelBoundsWhenNothingIsSet() {
        final NetworkConfig config = NetworkConfig.defaults();

        assertEquals("127.0.0.1", config.host());
        assertEquals(9092, config.port());
        assertEquals(3, config.numNetworkThreads());
        assertEquals(104857600, config.socketRequestMaxBytes());
        assertEquals(102400, config.socketSendBufferBytes());
        assertEquals(102400, config.socketReceiveBufferBytes());
        assertEquals(Integer.MAX_VALUE, config.maxConnections());
        assertEquals(600000L, config.connectionsMaxIdleMs());
        assertEquals(256L * 1024 * 1024, config.queuedMaxRequestBytes());
        assertEquals(5, config.maxInflightRequestsPerConnection());
    }

    @Test
    void shouldReadOwnKeysAndIgnoreOthersWhenBuiltFromServerProperties() {
        final NetworkConfig config = NetworkConfig.fromMap(Map.of(
            "listeners", "PLAINTEXT://:19092",
            "num.network.threads", "8",
            "socket.send.buffer.bytes", "-1",
            "log.dirs", "/var/keel"));

        assertEquals("", config.host());
        assertEquals(19092, config.port());
        assertEquals(8, config.numNetworkThreads());
        assertEquals(-1, config.socketSendBufferBytes());
    }

    @Test
    void shouldParseIpv6ListenerWhenBracketed() {
        final NetworkConfig config = NetworkConfig.fromMap(Map.of("listeners", "PLAINTEXT://[::1]:9093"));

        assertEquals("::1", config.host());
        assertEquals(9093, config.port());
    }

    @Test
    void shouldFailFastOnBadConfigValue() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("num.network.threads", "0")));

        assertEquals("Invalid value 0 for configuration num.network.threads: allowed [1, 1024]", ex.getMessage());
    }

    @Test
    void shouldFailFastWhenValueIsNotANumber() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("connections.max.idle.ms", "ten")));

        assertEquals("Invalid value ten for configuration connections.max.idle.ms: allowed an integer in "
            + "-1 or [1, 9223372036854775807]", ex.getMessage());
    }

    @Test
    void shouldFailFastWhenBufferSizeIsZero() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("socket.receive.buffer.bytes", "0")));

        assertEquals("Invalid value 0 for configuration socket.receive.buffer.bytes: allowed -1 or [1, 2147483647]",
            ex.getMessage());
    }

    @Test
    void shouldFailFastWhenQueuedBytesBelowMaxRequestBytes() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("socket.request.max.bytes", "2048", "queued.max.request.bytes",
                "1024")));

        assertEquals("Invalid value 1024 for configuration queued.max.request.bytes: allowed -1 or "
            + "[2048, 9223372036854775807]", ex.getMessage());
    }

    @Test
    void shouldFailFastWhenListenerIsNotPlaintext() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("listeners", "SSL://localhost:9093")));

        assertEquals("Invalid value SSL://localhost:9093 for configuration listeners: allowed one listener "
            + "PLAINTEXT://host:port", ex.getMessage());
    }

    @Test
    void shouldFailFastWhenListenerPortOutOfRange() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.fromMap(Map.of("listeners", "PLAINTEXT://localhost:70000")));

        assertEquals("Invalid value PLAINTEXT://localhost:70000 for configuration listeners: allowed one listener "
            + "PLAINTEXT://host:port with port in [0, 65535]", ex.getMessage());
    }

    @Test
    void shouldRejectUnknownKeyWhenOverriding() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> NetworkConfig.defaults().with("num.io.threads", 8));

        assertEquals("Unknown network configuration key num.io.threads (known: " + NetworkConfig.keys() + ")",
            ex.getMessage());
    }

    @Test
    void shouldRoundTripThroughMap() {
        final NetworkConfig config = NetworkConfig.defaults().with("max.connections", 10);

        assertEquals(config, NetworkConfig.fromMap(config.toMap()));
    }
}
