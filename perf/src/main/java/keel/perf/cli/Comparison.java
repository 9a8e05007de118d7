package keel.perf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import keel.perf.load.ConsumeLoad;
import keel.perf.load.ConsumeSpec;
import keel.perf.load.EndToEndLoad;
import keel.perf.load.LoadProgress;
import keel.perf.load.LoadResult;
import keel.perf.load.ProduceLoad;
import keel.perf.load.ProduceSpec;
import keel.perf.load.TopicAdmin;
import keel.perf.peer.RunningServer;
import keel.perf.peer.ServerLauncher;
import keel.perf.peer.ServerSettings;
import keel.perf.stats.Stats;

/**
 * Runs the comparison matrix against two running servers, interleaved: for every round, every case runs on the
 * baseline and then on the candidate (A B A B), so drift of the machine falls on both alike. Throughput cases run
 * first; the latency cases then run at fixed fractions of the slower server's median maximum in this same run.
 * Each sample reads the server's CPU time before and after. Confined to one thread.
 */
final class Comparison {

    /**
     * One measured sample.
     *
     * @param cpuSeconds       the brokers' CPU seconds during the sample, -1 when unknown
     * @param helperCpuSeconds the helper JVMs' (Keel's ZooKeeper) CPU seconds, 0 without helpers, -1 when unknown
     */
    record Sample(CompareCase compareCase, int server, int round, LoadResult result, double cpuSeconds,
                  double helperCpuSeconds) {
        long bytesMoved() {
            return result.bytes();
        }

        double cpuSecondsPerGb() {
            return perGb(cpuSeconds);
        }

        double helperCpuSecondsPerGb() {
            return perGb(helperCpuSeconds);
        }

        private double perGb(final double seconds) {
            return result.bytes() == 0 || seconds < 0 ? Double.NaN : seconds / (result.bytes() / 1e9);
        }
    }

    /**
     * What the comparison runs with.
     *
     * @param replicationFactor of every topic the comparison creates: 1, or 3 against clusters
     */
    record Plan(List<CompareCase> cases, int rounds, long sampleNs, long warmupNs, long e2eWarmupNs, int partitions,
                long consumeRecords, short replicationFactor) {

        /** A plan against single nodes (replication factor 1). */
        Plan(final List<CompareCase> cases, final int rounds, final long sampleNs, final long warmupNs,
             final long e2eWarmupNs, final int partitions, final long consumeRecords) {
            this(cases, rounds, sampleNs, warmupNs, e2eWarmupNs, partitions, consumeRecords, (short) 1);
        }
    }

    /**
     * A server that dies mid-sample fails the sample in about 30 s instead of the producer's default 120 s; far
     * above any delivery time of a healthy run (records wait seconds at most in a full producer buffer).
     */
    private static final Map<String, String> FAIL_FAST = Map.of("delivery.timeout.ms", "30000",
        "request.timeout.ms", "20000");

    private final Plan plan;
    private final List<RunningServer> servers;
    private final List<String> labels;
    private final ProgressPrinter printer;
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final int totalSteps;
    private final Map<String, Double> referenceRates = new LinkedHashMap<>();
    private int step;

    Comparison(final Plan plan, final List<RunningServer> servers, final List<String> labels,
               final ProgressPrinter printer) {
        this.plan = plan;
        this.servers = servers;
        this.labels = labels;
        this.printer = printer;
        this.totalSteps = plan.rounds() * plan.cases().size() * servers.size();
    }

    /**
     * Starts the servers one after the other, each in a fresh directory under {@code workDir}.
     */
    static List<RunningServer> startServers(final List<ServerLauncher> launchers, final List<String> labels,
                                            final Path workDir, final ServerSettings settings,
                                            final ProgressPrinter printer) throws IOException, InterruptedException {
        final List<RunningServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < launchers.size(); i++) {
                final Path dir = Files.createDirectories(workDir.resolve(labels.get(i)));
                printer.step("starting " + labels.get(i) + " in " + dir, null, 0);
                final RunningServer server = launchers.get(i).start(dir, settings);
                started.add(server);
                printer.step(labels.get(i) + " answers on " + server.bootstrap() + " (" + server.pids() + ")",
                    null, 0);
            }
            return started;
        } catch (final IOException | InterruptedException | RuntimeException e) {
            for (final RunningServer server : started) {
                server.close();
            }
            throw e;
        }
    }

    List<Sample> samples() {
        return samples;
    }

    List<String> warnings() {
        return warnings;
    }

    /** @return the rate the first latency case's fractions apply to; 0 before the latency cases */
    double referenceRate() {
        return referenceRates.isEmpty() ? 0 : referenceRates.values().iterator().next();
    }

    /** @return per throughput case that sets latency rates, the slower server's median records/s */
    Map<String, Double> referenceRates() {
        return referenceRates;
    }

    void run() throws InterruptedException {
        for (int s = 0; s < servers.size(); s++) {
            prepare(s);
        }
        for (int round = 1; round <= plan.rounds(); round++) {
            for (final CompareCase compareCase : plan.cases()) {
                if (!compareCase.isLatencyCase()) {
                    runCase(compareCase, round);
                }
            }
        }
        for (final CompareCase compareCase : plan.cases()) {
            if (compareCase.isLatencyCase() && !referenceRates.containsKey(compareCase.referenceCase())) {
                referenceRates.put(compareCase.referenceCase(), slowestReferenceRate(compareCase.referenceCase()));
            }
        }
        for (int round = 1; round <= plan.rounds(); round++) {
            for (final CompareCase compareCase : plan.cases()) {
                if (compareCase.isLatencyCase()) {
                    runCase(compareCase, round);
                }
            }
        }
    }

    private void prepare(final int server) throws InterruptedException {
        final String bootstrap = servers.get(server).bootstrap();
        // Against clusters the warm-up is what the cases do (acks=all to replicated topics), so replication's code
        // paths are compiled too.
        final String acks = plan.replicationFactor() > 1 ? "all" : "1";
        createTopic(server, "keel-perf-warmup");
        final ProduceSpec warmup = produceSpec(bootstrap, "keel-perf-warmup", 1024, acks, 0, plan.warmupNs());
        final LoadProgress progress = new LoadProgress();
        printer.step("warming up " + labels.get(server) + " (JIT of server and client)", progress, plan.warmupNs());
        ProduceLoad.run(warmup, progress);
        checkAlive(server);
        deleteTopic(server, "keel-perf-warmup");
        if (plan.cases().stream().anyMatch(c -> c.kind() == CompareCase.Kind.CONSUME)) {
            final LoadProgress fill = new LoadProgress();
            printer.step("filling consume-1KiB on " + labels.get(server) + " with " + plan.consumeRecords()
                + " records", fill, 0);
            createTopic(server, consumeTopic());
            ProduceLoad.run(produceSpec(bootstrap, consumeTopic(), 1024, "1", plan.consumeRecords(), 0), fill);
        }
    }

    private void runCase(final CompareCase compareCase, final int round) throws InterruptedException {
        for (int server = 0; server < servers.size(); server++) {
            step++;
            final RunningServer target = servers.get(server);
            checkAlive(server);
            final LoadProgress progress = new LoadProgress();
            final String label = "[" + step + "/" + totalSteps + "] " + compareCase.name() + " on "
                + labels.get(server) + " round " + round + "/" + plan.rounds();
            final String topic = compareCase.name() + "-r" + round;
            if (compareCase.kind() != CompareCase.Kind.CONSUME) {
                createTopic(server, topic);
            }
            if (compareCase.kind() == CompareCase.Kind.PRODUCE_AT_RATE) {
                // Unmeasured, like e2e's warm-up: the first records of a fresh replicated topic wait for the
                // followers to start fetching it (about a second in both servers on the development machine),
                // which would otherwise be the p99 of a 10 s sample.
                printer.step(label + ": warm-up", progress, plan.e2eWarmupNs());
                ProduceLoad.run(produceSpec(target.bootstrap(), topic, compareCase.recordSizeBytes(),
                    compareCase.acks(), 0, plan.e2eWarmupNs()).withRate(referenceRates.get(compareCase.referenceCase())
                    * compareCase.rateFraction()), new LoadProgress());
            }
            final double cpuBefore = target.cpuSeconds();
            final double helperCpuBefore = target.helperCpuSeconds();
            final LoadResult result;
            switch (compareCase.kind()) {
                case PRODUCE:
                    printer.step(label, progress, plan.sampleNs());
                    result = ProduceLoad.run(produceSpec(target.bootstrap(), topic, compareCase.recordSizeBytes(),
                        compareCase.acks(), 0, plan.sampleNs()), progress);
                    break;
                case CONSUME:
                    printer.step(label, progress, 0);
                    result = ConsumeLoad.run(new ConsumeSpec(target.bootstrap(), consumeTopic(), 0, 0, 1, null,
                        Map.of()), progress);
                    break;
                case PRODUCE_AT_RATE:
                    final double produceRate = referenceRates.get(compareCase.referenceCase())
                        * compareCase.rateFraction();
                    printer.step(label + " at " + Results.number(produceRate) + " records/s", progress,
                        plan.sampleNs());
                    result = ProduceLoad.run(produceSpec(target.bootstrap(), topic, compareCase.recordSizeBytes(),
                        compareCase.acks(), 0, plan.sampleNs()).withRate(produceRate), progress);
                    break;
                default:
                    final double rate = referenceRates.get(compareCase.referenceCase()) * compareCase.rateFraction();
                    printer.step(label + " at " + Results.number(rate) + " records/s", progress,
                        plan.sampleNs() + plan.e2eWarmupNs());
                    result = EndToEndLoad.run(produceSpec(target.bootstrap(), topic, compareCase.recordSizeBytes(),
                        compareCase.acks(), 0, plan.sampleNs()).withRate(rate), plan.e2eWarmupNs(), progress);
                    break;
            }
            final double cpuAfter = target.cpuSeconds();
            final double helperCpuAfter = target.helperCpuSeconds();
            checkAlive(server);
            samples.add(new Sample(compareCase, server, round, result, difference(cpuBefore, cpuAfter),
                difference(helperCpuBefore, helperCpuAfter)));
            if (result.errors() > 0) {
                // A sample with failed sends still counts (its rate is what the server delivered), but a reader of
                // the table must know: e.g. records that expired after delivery.timeout.ms while a partition stalled.
                warnings.add(labels.get(server) + " " + compareCase.name() + " round " + round + ": "
                    + result.errors() + " records failed (of " + (result.records() + result.errors())
                    + "), see the sample's errors in the JSON");
            }
            if (compareCase.kind() != CompareCase.Kind.CONSUME) {
                deleteTopic(server, topic);
            }
        }
    }

    private static double difference(final double before, final double after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /**
     * Creates a topic with the plan's replication factor before a load creates it with its own (1): against a
     * cluster every topic of the comparison is replicated.
     */
    private void createTopic(final int server, final String topic) {
        if (plan.replicationFactor() > 1) {
            TopicAdmin.ensureTopic(servers.get(server).bootstrap(), topic, plan.partitions(),
                plan.replicationFactor());
        }
    }

    private void checkAlive(final int server) {
        final RunningServer target = servers.get(server);
        if (!target.isAlive()) {
            throw new IllegalStateException(labels.get(server) + " exited: outputs=" + target.outputFiles());
        }
    }

    private double slowestReferenceRate(final String referenceCase) {
        double slowest = Double.MAX_VALUE;
        for (int server = 0; server < servers.size(); server++) {
            final double[] rates = values(referenceCase, server, Metric.RECORDS_PER_SEC);
            if (rates.length > 0) {
                slowest = Math.min(slowest, Stats.median(rates));
            }
        }
        if (slowest == Double.MAX_VALUE || slowest <= 0) {
            throw new IllegalStateException("no " + referenceCase + " samples to set the latency cases' rates from");
        }
        return slowest;
    }

    /** A per-sample figure. */
    enum Metric {
        RECORDS_PER_SEC, MB_PER_SEC, P50_MS, P99_MS, P999_MS, CPU_SEC_PER_GB, HELPER_CPU_SEC_PER_GB
    }

    double[] values(final String caseName, final int server, final Metric metric) {
        final List<Double> values = new ArrayList<>();
        for (final Sample sample : samples) {
            if (sample.server() == server && sample.compareCase().name().equals(caseName)) {
                values.add(value(sample, metric));
            }
        }
        final double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    static double value(final Sample sample, final Metric metric) {
        switch (metric) {
            case RECORDS_PER_SEC:
                return sample.result().recordsPerSec();
            case MB_PER_SEC:
                return sample.result().mbPerSec();
            case P50_MS:
                return sample.result().latency().p50Ms();
            case P99_MS:
                return sample.result().latency().p99Ms();
            case P999_MS:
                return sample.result().latency().p999Ms();
            case HELPER_CPU_SEC_PER_GB:
                return sample.helperCpuSecondsPerGb();
            default:
                return sample.cpuSecondsPerGb();
        }
    }

    private ProduceSpec produceSpec(final String bootstrap, final String topic, final int size, final String acks,
                                    final long records, final long durationNs) {
        return new ProduceSpec(bootstrap, topic, plan.partitions(), size, records, durationNs, acks, 16384, 5,
            "none", 1, 0, FAIL_FAST);
    }

    private static String consumeTopic() {
        return "consume-1KiB";
    }

    private void deleteTopic(final int server, final String topic) {
        if (!TopicAdmin.tryDeleteTopic(servers.get(server).bootstrap(), topic)) {
            final String warning = labels.get(server) + " did not delete topic " + topic
                + " (disk use grows with the run)";
            warnings.add(warning);
        }
    }

    Map<String, Object> planDescription() {
        final Map<String, Object> description = new LinkedHashMap<>();
        description.put("rounds", plan.rounds());
        description.put("sampleSec", plan.sampleNs() / 1e9);
        description.put("warmupSec", plan.warmupNs() / 1e9);
        description.put("e2eWarmupSec", plan.e2eWarmupNs() / 1e9);
        description.put("partitions", plan.partitions());
        description.put("replicationFactor", plan.replicationFactor());
        description.put("consumeRecords", plan.consumeRecords());
        description.put("producer", "1 producer, batch.size 16384, linger.ms 5, compression none, "
            + "delivery.timeout.ms 30000, request.timeout.ms 20000");
        description.put("consumer", "1 consumer, assigned all partitions, no group");
        final List<String> names = new ArrayList<>();
        for (final CompareCase compareCase : plan.cases()) {
            names.add(compareCase.name());
        }
        description.put("cases", names);
        return description;
    }
}
