package keel.perf.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import keel.perf.load.ProduceSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The producer side of a workload, shared by produce and e2e.
 */
final class ProducerOptions {

    static final Set<String> ACKS = Set.of("0", "1", "all", "-1");
    static final Set<String> COMPRESSION = Set.of("none", "gzip", "snappy", "lz4", "zstd");
    static final int MAX_RECORD_SIZE_BYTES = 64 << 20;

    @Option(names = {"-b", "--bootstrap"}, required = true, paramLabel = "HOST:PORT",
        description = "bootstrap.servers of the server to measure.")
    String bootstrap;

    @Option(names = {"-t", "--topic"}, defaultValue = "keel-perf", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--partitions", defaultValue = "4",
        description = "Partitions when the topic is created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = {"-s", "--record-size"}, defaultValue = "1KiB", converter = Converters.Size.class,
        paramLabel = "SIZE", description = "Value size of each record (default: ${DEFAULT-VALUE}).")
    long recordSizeBytes;

    @Option(names = {"-n", "--records"}, paramLabel = "COUNT", defaultValue = "0",
        description = "Records to send in total (default: run for --duration).")
    long records;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = Converters.DurationNs.class,
        description = "How long to send (default: 30s, or 5s with --quick, when --records is not given).")
    Long durationNs;

    @Option(names = "--acks", defaultValue = "1", description = "acks: 0, 1 or all (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--batch-size", defaultValue = "16KiB", converter = Converters.Size.class, paramLabel = "SIZE",
        description = "batch.size (default: ${DEFAULT-VALUE}).")
    long batchSizeBytes;

    @Option(names = "--linger-ms", defaultValue = "5", description = "linger.ms (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--compression", defaultValue = "none",
        description = "compression.type: none, gzip, snappy, lz4, zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = {"-p", "--producers"}, defaultValue = "1",
        description = "Producers in parallel, a thread and a KafkaProducer each (default: ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "RECORDS_PER_SEC",
        description = "Throughput limit over all producers in records/s; 0 for none (default: ${DEFAULT-VALUE}).")
    double ratePerSec;

    @Option(names = {"-X", "--producer-property"}, paramLabel = "KEY=VALUE",
        description = "Any further producer property, applied last (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    ProduceSpec toSpec(final CommandLine commandLine, final boolean quick, final long defaultDurationNs,
                       final long quickDurationNs) {
        check(commandLine, partitions >= 1 && partitions <= 10_000, "--partitions must be 1..10000: partitions="
            + partitions);
        check(commandLine, recordSizeBytes >= 0 && recordSizeBytes <= MAX_RECORD_SIZE_BYTES,
            "--record-size must be 0.." + MAX_RECORD_SIZE_BYTES + " bytes: recordSize=" + recordSizeBytes);
        check(commandLine, records >= 0, "--records must be >= 0: records=" + records);
        check(commandLine, durationNs == null || durationNs > 0, "--duration must be > 0: duration=" + durationNs
            + "ns");
        final String normalAcks = acks.toLowerCase(Locale.ROOT);
        check(commandLine, ACKS.contains(normalAcks), "--acks must be 0, 1 or all: acks=" + acks);
        check(commandLine, batchSizeBytes >= 0 && batchSizeBytes <= Integer.MAX_VALUE,
            "--batch-size must be 0.." + Integer.MAX_VALUE + ": batchSize=" + batchSizeBytes);
        check(commandLine, lingerMs >= 0, "--linger-ms must be >= 0: lingerMs=" + lingerMs);
        final String normalCompression = compression.toLowerCase(Locale.ROOT);
        check(commandLine, COMPRESSION.contains(normalCompression),
            "--compression must be none, gzip, snappy, lz4 or zstd: compression=" + compression);
        check(commandLine, producers >= 1 && producers <= 1024, "--producers must be 1..1024: producers="
            + producers);
        check(commandLine, ratePerSec >= 0 && Double.isFinite(ratePerSec), "--rate must be >= 0: rate="
            + ratePerSec);
        final long duration;
        if (durationNs != null) {
            duration = durationNs;
        } else if (records > 0) {
            duration = 0;
        } else {
            duration = quick ? quickDurationNs : defaultDurationNs;
        }
        return new ProduceSpec(bootstrap, topic, partitions, (int) recordSizeBytes, records, duration, normalAcks,
            (int) batchSizeBytes, lingerMs, normalCompression, producers, ratePerSec, Map.copyOf(properties));
    }

    static void check(final CommandLine commandLine, final boolean condition, final String message) {
        if (!condition) {
            throw new CommandLine.ParameterException(commandLine, message);
        }
    }

    static Map<String, Object> describe(final ProduceSpec spec) {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap", spec.bootstrap());
        config.put("topic", spec.topic());
        config.put("partitions", spec.partitions());
        config.put("recordSizeBytes", spec.recordSizeBytes());
        config.put("records", spec.records());
        config.put("durationSec", spec.durationNs() / 1e9);
        config.put("acks", spec.acks());
        config.put("batchSizeBytes", spec.batchSizeBytes());
        config.put("lingerMs", spec.lingerMs());
        config.put("compression", spec.compression());
        config.put("producers", spec.producers());
        config.put("ratePerSec", spec.ratePerSec());
        config.put("properties", spec.properties());
        return config;
    }
}
