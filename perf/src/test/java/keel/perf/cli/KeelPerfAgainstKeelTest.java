package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import keel.server.KeelConfig;
import keel.server.KeelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * produce, consume and e2e with --quick-sized parameters against an in-process {@link KeelServer} (127.0.0.1,
 * ephemeral port) started once for the class. Asserts that reports are complete and sane, never how fast anything
 * is. consume reads what produce wrote, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeelPerfAgainstKeelTest {

    private static final String TOPIC = "perf-test";

    @TempDir
    static Path dir;

    private static KeelServer keel;
    private static long produced;

    // Built after startKeel: JUnit creates the instance per test, after @BeforeAll.
    private final PerfRuns runs = new PerfRuns("127.0.0.1:" + keel.boundPort(), dir.resolve("out"));

    @BeforeAll
    static void startKeel() throws IOException {
        keel = KeelServer.start(KeelConfig.fromMap(Map.of(
            "listeners", "PLAINTEXT://127.0.0.1:0",
            "log.dirs", dir.resolve("keel").toString(),
            "log.segment.bytes", Integer.toString(16 * 1024 * 1024),
            "offsets.topic.num.partitions", "1")));
    }

    @AfterAll
    static void stopKeel() throws IOException {
        if (keel != null) {
            keel.close();
        }
    }

    @Test
    @Order(1)
    void shouldReportThroughputAndOrderedAckLatencyWhenProducing() throws IOException {
        produced = PerfRuns.assertSaneProduce(
            runs.run("produce", "-t", TOPIC, "--quick", "--duration", "2s", "--partitions", "2"), 2);
        assertTrue(runs.stdout().toString().contains("produce "), runs.stdout().toString());
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
}
