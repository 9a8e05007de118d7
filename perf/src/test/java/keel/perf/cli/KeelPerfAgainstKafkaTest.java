package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import keel.perf.peer.KafkaLauncher;
import keel.perf.peer.RunningServer;
import keel.perf.peer.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * produce, consume, e2e and a one-round comparison with --quick-sized parameters against a real Apache Kafka 4.4
 * (child JVM, KRaft, 127.0.0.1, free ports) started once for the class. Asserts that reports are complete and sane,
 * never how fast anything is. consume reads what produce wrote, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeelPerfAgainstKafkaTest {

    private static final String TOPIC = "perf-test";

    @TempDir
    static Path dir;

    private static RunningServer kafka;
    private static long produced;

    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    @BeforeAll
    static void startKafka() throws IOException, InterruptedException {
        final Path classpathFile = Path.of("target/keel-perf.classpath");
        final String classpath = Files.isRegularFile(classpathFile)
            ? Files.readString(classpathFile, StandardCharsets.UTF_8).trim() : System.getProperty("java.class.path");
        final ServerSettings settings = new ServerSettings(ServerSettings.currentJava(), "512m",
            ServerSettings.KAFKA_SCRIPT_GC_FLAGS, classpath, Duration.ofSeconds(90));
        kafka = new KafkaLauncher().start(Files.createDirectories(dir.resolve("kafka")), settings);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private JsonNode run(final String command, final String... args) throws IOException {
        final String[] full = Stream.concat(Stream.of(command, "-b", kafka.bootstrap(), "--out",
            dir.resolve("out").toString(), "--progress-interval", "1s"), Stream.of(args)).toArray(String[]::new);
        final int exit = KeelPerf.newCommandLine(new PrintWriter(stdout), new PrintWriter(stderr)).execute(full);
        assertEquals(0, exit, "stdout=" + stdout + " stderr=" + stderr);
        final String report = stdout.toString().lines().filter(l -> l.startsWith("report: ")).findFirst()
            .orElseThrow().substring("report: ".length());
        return new ObjectMapper().readTree(Path.of(report).toFile());
    }

    private static void assertSaneLatency(final JsonNode latency) {
        assertTrue(latency.get("count").asLong() > 0, latency.toString());
        final double p50 = latency.get("p50Ms").asDouble();
        final double p90 = latency.get("p90Ms").asDouble();
        final double p99 = latency.get("p99Ms").asDouble();
        final double p999 = latency.get("p999Ms").asDouble();
        final double max = latency.get("maxMs").asDouble();
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, latency.toString());
    }

    private static void assertMachineAndVersions(final JsonNode report) {
        assertTrue(report.get("machine").get("nproc").asInt() > 0, report.get("machine").toString());
        assertTrue(report.get("machine").get("memoryBytes").asLong() > 0, report.get("machine").toString());
        assertEquals("4.4.0", report.get("versions").get("kafkaClients").asText());
        assertTrue(report.get("jvm").get("version").asText().length() > 0);
    }

    @Test
    @Order(1)
    void shouldReportThroughputAndOrderedAckLatencyWhenProducing() throws IOException {
        final JsonNode report = run("produce", "-t", TOPIC, "--quick", "--duration", "2s", "--partitions", "2");
        final JsonNode sample = report.get("samples").get(0);
        produced = sample.get("records").asLong();
        assertTrue(produced > 0, sample.toString());
        assertEquals(produced * 1024, sample.get("bytes").asLong());
        assertEquals(0, sample.get("errors").asLong());
        assertTrue(sample.get("recordsPerSec").asDouble() > 0 && sample.get("mbPerSec").asDouble() > 0);
        assertSaneLatency(sample.get("latency"));
        assertMachineAndVersions(report);
        assertEquals(2, report.get("config").get("partitions").asInt());
        assertTrue(stdout.toString().contains("produce "), stdout.toString());
    }

    @Test
    @Order(2)
    void shouldReadEveryProducedRecordWhenConsumingWithoutCount() throws IOException {
        final JsonNode sample = run("consume", "-t", TOPIC, "--consumers", "2").get("samples").get(0);
        assertEquals(produced, sample.get("records").asLong(), sample.toString());
        assertTrue(sample.get("recordsPerSec").asDouble() > 0 && sample.get("mbPerSec").asDouble() > 0);
    }

    @Test
    @Order(3)
    void shouldReportOrderedEndToEndPercentilesAtFixedRate() throws IOException {
        final JsonNode report = run("e2e", "-t", "perf-e2e", "--quick", "--duration", "2s", "--warmup", "500ms",
            "--rate", "500");
        final JsonNode sample = report.get("samples").get(0);
        assertTrue(sample.get("records").asLong() > 0, sample.toString());
        assertSaneLatency(sample.get("latency"));
        assertEquals(500.0, report.get("config").get("ratePerSec").asDouble());
    }

    @Test
    @Order(4)
    void shouldPairRoundsAndReportRatiosCpuAndRssWhenComparing() throws Exception {
        // The rate reference and one latency case; consume is covered above.
        final List<CompareCase> cases = CompareCase.matrix(true, List.of(0.5)).stream()
            .filter(c -> c.kind() != CompareCase.Kind.CONSUME).toList();
        final Comparison.Plan plan = new Comparison.Plan(cases, 1, 1_000_000_000L, 500_000_000L, 300_000_000L, 2,
            2_000);
        final List<String> labels = List.of("kafka-a", "kafka-b");
        final Comparison comparison;
        try (ProgressPrinter printer = ProgressPrinter.start(new PrintWriter(stderr), 0)) {
            // The same server twice: the matrix, pairing and reporting are what this test covers.
            comparison = new Comparison(plan, List.of(kafka, kafka), labels, printer);
            comparison.run();
        }
        assertEquals(cases.size() * 2, comparison.samples().size());
        final RunReport report = new RunReport("compare", Instant.now());
        CompareCommand.summarize(new PrintWriter(stdout), report, comparison, labels,
            new long[] {kafka.peakRssBytes(), kafka.peakRssBytes()});
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> rows = (List<Map<String, Object>>) report.summary().get("rows");
        // 1 throughput case x (MB/s, records/s) + 1 latency case x (p50, p99, p99.9)
        assertEquals(5, rows.size(), rows.toString());
        for (final Map<String, Object> row : rows) {
            assertTrue(((Double) row.get("ratio")) > 0, row.toString());
        }
        assertTrue(comparison.referenceRate() > 0);
        assertTrue(kafka.peakRssBytes() > 0);
        for (final Comparison.Sample sample : comparison.samples()) {
            assertTrue(sample.cpuSeconds() >= 0, sample.toString());
        }
        assertTrue(Charts.write(dir.resolve("charts"), comparison, labels).stream().allMatch(Files::isRegularFile));
        assertTrue(stdout.toString().contains("e2e-1KiB-50pct"), stdout.toString());
    }
}
