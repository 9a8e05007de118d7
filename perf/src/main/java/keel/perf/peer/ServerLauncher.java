package keel.perf.peer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Starts one kind of server in a child JVM on 127.0.0.1 with a fresh data directory. Implementations are
 * stateless and thread-safe.
 */
public interface ServerLauncher {

    /**
     * @return the short name used in reports ("kafka", "keel")
     */
    String name();

    /**
     * Starts the server and returns once it answers Kafka protocol requests on its bootstrap address.
     *
     * @param workDir  an empty directory for the server's data, configuration and output
     * @param settings heap, flags and timeouts, the same for every server in a comparison
     * @return the running server; closing it stops the JVM
     * @throws ServerStartException when it exits or does not answer within the start timeout
     */
    RunningServer start(Path workDir, ServerSettings settings) throws IOException, InterruptedException;
}
