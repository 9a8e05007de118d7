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

    // Built after startKafka: JUnit creates the instance per test, after @BeforeAll.
    private final PerfRuns runs = new PerfRuns(kafka.bootstrap(), dir.resolve("out"));
    private final StringWriter stdout = runs.stdout();
    private final StringWriter stderr = runs.stderr();

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

    @Test
    @Order(1)
    void shouldReportThroughputAndOrderedAckLatencyWhenProducing() throws IOException {
        produced = PerfRuns.assertSaneProduce(
            runs.run("produce", "-t", TOPIC, "--quick", "--duration", "2s", "--partitions", "2"), 2);
        assertTrue(stdout.toString().contains("produce "), stdout.toString());
    }

    @Test
    @Order(2)
    void shouldReadEveryProducedRecordWhenConsumingWithoutCount() throws IOException {
        PerfRuns.assertConsumedAll(runs.run("consume", "-t", TOPIC, "--consumers", "2"), produced);
    }

    @Test
    @Order(3)
    void shouldReportOrderedEndToEndPercentilesAtFixedRate() throws IOException {
        PerfRuns.assertSaneEndToEnd(runs.run("e2e", "-t", "perf-e2e", "--quick", "--duration", "2s", "--warmup",
            "500ms", "--rate", "500"), 500.0);
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
