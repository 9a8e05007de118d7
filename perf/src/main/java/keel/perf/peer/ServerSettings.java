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
 */
public record ServerSettings(String javaExecutable, String heap, List<String> jvmFlags, String classpath,
                             Duration startTimeout) {

    /**
     * The GC flags of Kafka's own start script (kafka-run-class.sh), used for both servers so neither gets a
     * better-tuned JVM than the other.
     */
    public static final List<String> KAFKA_SCRIPT_GC_FLAGS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    /**
     * @return the java of the running JVM
     */
    public static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
