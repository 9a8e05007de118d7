package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument handling: bad values exit with 2 and a message naming the option and the value. */
class KeelPerfTest {

    @TempDir
    Path out;

    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    private int run(final String... args) {
        return KeelPerf.newCommandLine(new PrintWriter(stdout), new PrintWriter(stderr)).execute(args);
    }

    @Test
    void shouldExitWithUsageCodeWhenAcksIsInvalid() {
        assertEquals(2, run("produce", "-b", "127.0.0.1:1", "--acks", "2"));
        assertTrue(stderr.toString().startsWith("--acks must be 0, 1 or all: acks=2"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenBootstrapIsMissing() {
        assertEquals(2, run("produce"));
        assertTrue(stderr.toString().startsWith("Missing required option: '--bootstrap=HOST:PORT'"),
            stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenRecordSizeIsNotASize() {
        assertEquals(2, run("produce", "-b", "127.0.0.1:1", "--record-size", "1xb"));
        assertTrue(stderr.toString().contains("'1xb' is not a size"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenProducersIsZero() {
        assertEquals(2, run("produce", "-b", "127.0.0.1:1", "--producers", "0"));
        assertTrue(stderr.toString().startsWith("--producers must be 1..1024: producers=0"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenCompressionIsUnknown() {
        assertEquals(2, run("produce", "-b", "127.0.0.1:1", "--compression", "brotli"));
        assertTrue(stderr.toString().startsWith("--compression must be none, gzip, snappy, lz4 or zstd: "
            + "compression=brotli"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenRateIsNegative() {
        assertEquals(2, run("produce", "-b", "127.0.0.1:1", "--rate", "-5"));
        assertTrue(stderr.toString().startsWith("--rate must be >= 0: rate=-5.0"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenE2eRecordCannotHoldTimestamp() {
        assertEquals(2, run("e2e", "-b", "127.0.0.1:1", "--record-size", "4"));
        assertTrue(stderr.toString().startsWith("--record-size must be at least 8 bytes for e2e"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenConsumersIsZero() {
        assertEquals(2, run("consume", "-b", "127.0.0.1:1", "--consumers", "0"));
        assertTrue(stderr.toString().startsWith("--consumers must be 1..1024: consumers=0"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenLimitsVolumeIsNotWholeMebibytes() {
        assertEquals(2, run("limits", "--volume", "1000k", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--volume must be a positive multiple of 1MiB: volume=1024000"),
            stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenCompareServerIsUnknown() {
        assertEquals(2, run("compare", "--candidate", "redpanda", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("servers are kafka or keel: server=redpanda"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenCompareCaseIsUnknown() {
        assertEquals(2, run("compare", "--cases", "produce-9KiB", "--candidate", "kafka", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("unknown case: case=produce-9KiB"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenLatencyRateIsNotAFraction() {
        assertEquals(2, run("compare", "--latency-rates", "1.5", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--latency-rates must be fractions in (0, 1): rate=1.5"),
            stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenSubcommandIsUnknown() {
        assertEquals(2, run("bench"));
        assertTrue(stderr.toString().startsWith("Unmatched argument at index 0: 'bench'"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenSubcommandIsMissing() {
        assertEquals(2, run());
        assertTrue(stderr.toString().startsWith("Missing required subcommand"), stderr.toString());
    }

    @Test
    void shouldSayNoBenchmarksAndFailWhenEngineFindsNone() {
        assertEquals(1, run("engine", "--include", "NoSuchBenchmarkAnywhere", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("keel-perf engine: no JMH benchmarks named keel.perf.engine.* "
            + "matching --include NoSuchBenchmarkAnywhere on the classpath"), stderr.toString());
    }

    @Test
    void shouldFailWithMessageWhenServerIsUnreachable() {
        // Port 1 on loopback refuses connections: the run fails (exit 1) with the topic and address in the message.
        assertEquals(1, run("consume", "-b", "127.0.0.1:1", "-t", "t", "-X", "default.api.timeout.ms=500",
            "-X", "request.timeout.ms=400", "--out", out.toString(), "--progress-interval", "0s"));
        assertTrue(stderr.toString().contains("keel-perf consume: server did not answer: bootstrap=127.0.0.1:1 "
            + "topic=t cause="), stderr.toString());
    }

    @Test
    void shouldPrintHelpAndSucceedWhenAskedForHelp() {
        assertEquals(0, run("compare", "--help"));
        assertTrue(stdout.toString().contains("--latency-rates"), stdout.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenCompareBrokersIsNeitherOneNorThree() {
        assertEquals(2, run("compare", "--brokers", "2", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--brokers must be 1 or 3: brokers=2"), stderr.toString());
    }

    @Test
    void shouldOfferClusterCasesWhenCompareRunsThreeBrokers() {
        assertEquals(2, run("compare", "--brokers", "3", "--cases", "consume-1KiB", "--candidate", "kafka", "--out",
            out.toString()));
        assertTrue(stderr.toString().startsWith("unknown case: case=consume-1KiB known=[produce-1KiB-acksall-rf3, "
            + "produce-1KiB-acksall-rf3-25pct, produce-1KiB-acksall-rf3-50pct]"), stderr.toString());
    }

    @Test
    void shouldListBrokersAndMarkdownOptionsInCompareHelp() {
        assertEquals(0, run("compare", "--help"));
        assertTrue(stdout.toString().contains("--brokers") && stdout.toString().contains("--markdown=FILE"),
            stdout.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenFailoverRepetitionsIsZero() {
        assertEquals(2, run("failover", "--repetitions", "0", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--repetitions must be 1..100: repetitions=0"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenFailoverRateIsZero() {
        assertEquals(2, run("failover", "--rate", "0", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--rate must be in (0, 1000000]: rate=0.0"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenFailoverServerIsUnknown() {
        assertEquals(2, run("failover", "--servers", "kafka,redpanda", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("servers are kafka or keel: server=redpanda"), stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenFailoverNamesAServerTwice() {
        assertEquals(2, run("failover", "--servers", "kafka,kafka", "--out", out.toString()));
        assertTrue(stderr.toString().startsWith("--servers must name each server once: servers=[kafka, kafka]"),
            stderr.toString());
    }

    @Test
    void shouldExitWithUsageCodeWhenFailoverMaxWaitIsNotADuration() {
        assertEquals(2, run("failover", "--max-wait", "soon", "--out", out.toString()));
        assertTrue(stderr.toString().contains("soon"), stderr.toString());
    }

    @Test
    void shouldListFailoverOptionsInHelp() {
        assertEquals(0, run("failover", "--help"));
        assertTrue(stdout.toString().contains("--max-wait") && stdout.toString().contains("--repetitions"),
            stdout.toString());
    }
}
