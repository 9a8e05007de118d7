package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Shared by the --quick runs against real servers: runs one keel-perf command against a bootstrap, captures its
 * output, reads its JSON report, and checks the parts of a report that must be sane whatever the server.
 */
final class PerfRuns {

    private final String bootstrap;
    private final Path out;
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    /**
     * @param bootstrap the server's bootstrap address.
     * @param out       the report directory.
     */
    PerfRuns(final String bootstrap, final Path out) {
        this.bootstrap = bootstrap;
        this.out = out;
    }

    StringWriter stdout() {
        return stdout;
    }

    StringWriter stderr() {
        return stderr;
    }

    /**
     * Runs {@code command -b bootstrap --out out --progress-interval 1s args...}, asserts exit code 0 and returns
     * the report it names on stdout.
     */
    JsonNode run(final String command, final String... args) throws IOException {
        final String[] full = Stream.concat(Stream.of(command, "-b", bootstrap, "--out", out.toString(),
            "--progress-interval", "1s"), Stream.of(args)).toArray(String[]::new);
        final int exit = KeelPerf.newCommandLine(new PrintWriter(stdout), new PrintWriter(stderr)).execute(full);
        assertEquals(0, exit, "stdout=" + stdout + " stderr=" + stderr);
        final String report = stdout.toString().lines().filter(l -> l.startsWith("report: ")).findFirst()
            .orElseThrow().substring("report: ".length());
        return new ObjectMapper().readTree(Path.of(report).toFile());
    }

    /** A non-empty histogram with positive, ordered percentiles. */
    static void assertSaneLatency(final JsonNode latency) {
        assertTrue(latency.get("count").asLong() > 0, latency.toString());
        final double p50 = latency.get("p50Ms").asDouble();
        final double p90 = latency.get("p90Ms").asDouble();
        final double p99 = latency.get("p99Ms").asDouble();
        final double p999 = latency.get("p999Ms").asDouble();
        final double max = latency.get("maxMs").asDouble();
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, latency.toString());
    }

    /** The machine, client and JVM sections are filled in. */
    static void assertMachineAndVersions(final JsonNode report) {
        assertTrue(report.get("machine").get("nproc").asInt() > 0, report.get("machine").toString());
        assertTrue(report.get("machine").get("memoryBytes").asLong() > 0, report.get("machine").toString());
        assertEquals("4.4.0", report.get("versions").get("kafkaClients").asText());
        assertTrue(report.get("jvm").get("version").asText().length() > 0);
    }

    /**
     * Asserts a produce report of 1 KiB records with no errors, positive rates and sane ack latency.
     *
     * @return the number of records produced.
     */
    static long assertSaneProduce(final JsonNode report, final int partitions) {
        final JsonNode sample = report.get("samples").get(0);
        final long produced = sample.get("records").asLong();
        assertTrue(produced > 0, sample.toString());
        assertEquals(produced * 1024, sample.get("bytes").asLong());
        assertEquals(0, sample.get("errors").asLong());
        assertTrue(sample.get("recordsPerSec").asDouble() > 0 && sample.get("mbPerSec").asDouble() > 0);
        assertSaneLatency(sample.get("latency"));
        assertMachineAndVersions(report);
        assertEquals(partitions, report.get("config").get("partitions").asInt());
        return produced;
    }

    /** Asserts a consume report that read exactly {@code produced} records at positive rates. */
    static void assertConsumedAll(final JsonNode report, final long produced) {
        final JsonNode sample = report.get("samples").get(0);
        assertEquals(produced, sample.get("records").asLong(), sample.toString());
        assertTrue(sample.get("recordsPerSec").asDouble() > 0 && sample.get("mbPerSec").asDouble() > 0);
    }

    /** Asserts an e2e report with records, sane latency and the configured rate. */
    static void assertSaneEndToEnd(final JsonNode report, final double rate) {
        final JsonNode sample = report.get("samples").get(0);
        assertTrue(sample.get("records").asLong() > 0, sample.toString());
        assertSaneLatency(sample.get("latency"));
        assertEquals(rate, report.get("config").get("ratePerSec").asDouble());
    }
}
