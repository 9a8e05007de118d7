package keel.perf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import keel.perf.load.LoadResult;

/**
 * The JSON record of one run: the machine (nproc, memory, CPU model, kernel), the JVM, the versions, the
 * configuration and every sample. Written with Jackson, which is on the classpath already as a dependency of the
 * kafka_2.13 broker that {@code compare} runs (kafka-clients has no JSON library of its own). Confined to one thread.
 */
final class RunReport {

    private static final DateTimeFormatter FILE_TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String command;
    private final Instant startedAt;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private final Map<String, Object> summary = new LinkedHashMap<>();

    RunReport(final String command, final Instant startedAt) {
        this.command = command;
        this.startedAt = startedAt;
    }

    Map<String, Object> config() {
        return config;
    }

    Map<String, Object> summary() {
        return summary;
    }

    List<Map<String, Object>> samples() {
        return samples;
    }

    /** Adds a sample and returns its map, so callers can add fields. */
    Map<String, Object> addSample(final Map<String, Object> sample) {
        samples.add(sample);
        return sample;
    }

    static Map<String, Object> loadSample(final LoadResult result) {
        final Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("records", result.records());
        sample.put("bytes", result.bytes());
        sample.put("errors", result.errors());
        sample.put("elapsedSec", result.elapsedSec());
        sample.put("recordsPerSec", result.recordsPerSec());
        sample.put("mbPerSec", result.mbPerSec());
        if (result.latency().count() > 0) {
            final Map<String, Object> latency = new LinkedHashMap<>();
            latency.put("count", result.latency().count());
            latency.put("meanMs", result.latency().meanMs());
            latency.put("p50Ms", result.latency().p50Ms());
            latency.put("p90Ms", result.latency().p90Ms());
            latency.put("p99Ms", result.latency().p99Ms());
            latency.put("p999Ms", result.latency().p999Ms());
            latency.put("maxMs", result.latency().maxMs());
            sample.put("latency", latency);
        }
        return sample;
    }

    /**
     * Writes {@code <command>-<UTC time>.json} into the directory, creating it.
     *
     * @return the file written
     */
    Path write(final Path directory) throws IOException {
        Files.createDirectories(directory);
        final Path file = directory.resolve(command + "-" + FILE_TIME.format(startedAt) + ".json");
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "keel-perf");
        root.put("command", command);
        root.put("startedAt", startedAt.toString());
        root.put("finishedAt", Instant.now().toString());
        root.put("machine", machine());
        root.put("jvm", jvm());
        root.put("versions", versions());
        root.put("config", config);
        root.put("summary", summary);
        root.put("samples", samples);
        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(file, mapper.writeValueAsString(root), StandardCharsets.UTF_8);
        return file;
    }

    static Map<String, Object> machine() {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("memoryBytes", procValue("/proc/meminfo", "MemTotal:") * 1024);
        machine.put("cpuModel", procText("/proc/cpuinfo", "model name"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        machine.put("hostname", hostname());
        return machine;
    }

    static Map<String, Object> jvm() {
        final Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("vm", System.getProperty("java.vm.name"));
        jvm.put("version", System.getProperty("java.runtime.version"));
        jvm.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        jvm.put("inputArguments", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        return jvm;
    }

    static Map<String, Object> versions() {
        final Map<String, Object> versions = new LinkedHashMap<>();
        // kafka-clients and kafka_2.13 are pinned to one version in the root pom; the jar's own file says which.
        versions.put("kafkaClients", kafkaVersion());
        versions.put("kafkaServer", kafkaVersion());
        versions.put("keelCommit", gitCommit());
        return versions;
    }

    private static String kafkaVersion() {
        try (java.io.InputStream in = RunReport.class.getClassLoader()
            .getResourceAsStream("kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            final java.util.Properties props = new java.util.Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (final IOException e) {
            return "unknown";
        }
    }

    private static String gitCommit() {
        final String home = System.getProperty(KeelPerf.HOME_PROPERTY, ".");
        try {
            final Process git = new ProcessBuilder("git", "-C", home, "rev-parse", "HEAD").redirectErrorStream(true)
                .start();
            final String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (final IOException e) {
            return "unknown";
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (final IOException e) {
            return "unknown";
        }
    }

    private static long procValue(final String file, final String key) {
        final String text = procText(file, key);
        try {
            return Long.parseLong(text.replace("kB", "").trim());
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    private static String procText(final String file, final String key) {
        try {
            for (final String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    final int colon = line.indexOf(':');
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (final IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
