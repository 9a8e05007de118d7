package keel.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real in-process broker on 127.0.0.1 with an ephemeral port, for tests; client properties pointing at it.
 */
public final class TestBroker implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> overrides;
    private KeelServer server;

    /**
     * @param dataDir   the data directory.
     * @param overrides extra broker configuration.
     */
    public TestBroker(final Path dataDir, final Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    /**
     * Starts (or restarts) the broker on a new ephemeral port.
     *
     * @return this.
     * @throws IOException if it cannot start.
     */
    public TestBroker start() throws IOException {
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("log.dirs", dataDir.toString());
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("log.segment.bytes", Integer.toString(8 * 1024 * 1024));
        props.putAll(overrides);
        server = KeelServer.start(KeelConfig.fromMap(props));
        return this;
    }

    public KeelServer server() {
        return server;
    }

    public String bootstrap() {
        return "127.0.0.1:" + server.boundPort();
    }

    /**
     * @return client properties with bootstrap.servers set.
     */
    public Properties clientProps() {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap());
        return props;
    }

    /**
     * Stops the broker cleanly.
     *
     * @throws IOException if the logs cannot be closed.
     */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
