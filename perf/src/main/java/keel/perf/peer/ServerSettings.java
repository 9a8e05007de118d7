package keel.perf.peer;

import java.time.Duration;
import java.util.List;

/**
 * What every server JVM of a comparison shares. Immutable, thread-safe.
 *
 * @param javaExecutable the java binary
 * @param heap           the heap size for -Xms and -Xmx, e.g. "1g"
 * @param jvmFlags       further JVM flags (GC, add-exports), the same for every server
 * @param classpath      the classpath of the JVM that runs the tool; Kafka's broker runs from it
 * @param startTimeout   how long a server may take to answer
 * @param brokers        brokers per server: 1 (a single node) or 3 (a cluster on one machine, each broker its own
 *                       JVM, replication factor 3, min.insync.replicas 2)
 */
public record ServerSettings(String javaExecutable, String heap, List<String> jvmFlags, String classpath,
                             Duration startTimeout, int brokers) {

    /** The brokers of a cluster; also its replication factor. */
    public static final int CLUSTER_BROKERS = 3;
    /** min.insync.replicas of a cluster: acks=all needs the leader and one follower. */
    public static final int CLUSTER_MIN_INSYNC_REPLICAS = 2;

    /**
     * The GC flags of Kafka's own start script (kafka-run-class.sh), used for both servers so neither gets a
     * better-tuned JVM than the other.
     */
    public static final List<String> KAFKA_SCRIPT_GC_FLAGS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    /**
     * Settings of a single node.
     */
    public ServerSettings(final String javaExecutable, final String heap, final List<String> jvmFlags,
                          final String classpath, final Duration startTimeout) {
        this(javaExecutable, heap, jvmFlags, classpath, startTimeout, 1);
    }

    /**
     * @throws IllegalArgumentException when the broker count is neither 1 nor {@value #CLUSTER_BROKERS}
     */
    public ServerSettings {
        if (brokers != 1 && brokers != CLUSTER_BROKERS) {
            throw new IllegalArgumentException("brokers must be 1 or " + CLUSTER_BROKERS + ": brokers=" + brokers);
        }
        jvmFlags = List.copyOf(jvmFlags);
    }

    /** @return the replication factor of the servers' topics: 1, or 3 for a cluster */
    public short replicationFactor() {
        return (short) brokers;
    }

    /** @return min.insync.replicas of the servers: 1, or 2 for a cluster */
    public int minInsyncReplicas() {
        return brokers == 1 ? 1 : CLUSTER_MIN_INSYNC_REPLICAS;
    }

    /**
     * @return the java of the running JVM
     */
    public static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
