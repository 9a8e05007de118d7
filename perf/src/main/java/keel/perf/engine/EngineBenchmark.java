package keel.perf.engine;

import org.openjdk.jmh.annotations.Fork;

/**
 * The forked JVMs' flags, shared by every engine benchmark: JMH reads class-level annotations through the
 * superclass chain, and annotation values cannot be arrays built elsewhere, so the list lives here once.
 *
 * <p>The first four are the root pom's {@code keel.jvm.flags} (in {@code --flag=value} form, one JVM argument
 * each; {@code EngineBenchmarkTest} checks they stay equal); the next three are Chronicle's (FACTS.md), then
 * SLF4J's no-op provider, named so that SLF4J does not warn it found none. On JDK 23 and later
 * {@code bin/keel-jmh.sh} adds {@code --sun-misc-unsafe-memory-access=allow}, which JDK 17 refuses. The heap
 * is fixed so that runs are comparable; the engine and the baselines keep their data off-heap.
 */
@Fork(value = 2, jvmArgsAppend = {
    EngineBenchmark.ADD_EXPORTS_MISC,
    EngineBenchmark.ADD_EXPORTS_NIO_CH,
    EngineBenchmark.ADD_OPENS_NIO,
    EngineBenchmark.ENABLE_NATIVE_ACCESS,
    EngineBenchmark.ADD_OPENS_REFLECT,
    EngineBenchmark.ADD_EXPORTS_REF,
    EngineBenchmark.CHRONICLE_ANALYTICS_OFF,
    EngineBenchmark.SLF4J_NOP,
    EngineBenchmark.SLF4J_QUIET,
    EngineBenchmark.HEAP_MIN,
    EngineBenchmark.HEAP_MAX})
public abstract class EngineBenchmark {
    static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String ADD_EXPORTS_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String ADD_OPENS_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String ADD_OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String ADD_EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String CHRONICLE_ANALYTICS_OFF = "-Dchronicle.analytics.disable=true";
    /** The engine logs at lifecycle points only (each open in RecoveryBenchmark); benchmarks print nothing. */
    static final String SLF4J_NOP = "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider";
    static final String SLF4J_QUIET = "-Dslf4j.internal.verbosity=WARN";
    static final String HEAP_MIN = "-Xms1g";
    static final String HEAP_MAX = "-Xmx1g";

    /** The flags above, for tests and for the {@code main} methods' option builders. */
    static final String[] FLAGS = {ADD_EXPORTS_MISC, ADD_EXPORTS_NIO_CH, ADD_OPENS_NIO, ENABLE_NATIVE_ACCESS,
        ADD_OPENS_REFLECT, ADD_EXPORTS_REF, CHRONICLE_ANALYTICS_OFF, SLF4J_NOP, SLF4J_QUIET, HEAP_MIN, HEAP_MAX};

    /** One MB as reported in docs/performance.md: 10^6 bytes. */
    static final long MB = 1_000_000L;
}
