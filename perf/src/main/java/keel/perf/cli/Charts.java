package keel.perf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import keel.perf.stats.LatencySummary;
import keel.perf.stats.Stats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of a comparison (XChart): median throughput per case as bars per server, and latency percentile
 * curves per server for every latency case. Stateless, thread-safe.
 */
final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    private Charts() {
    }

    static List<Path> write(final Path directory, final Comparison comparison, final List<String> labels)
        throws IOException {
        Files.createDirectories(directory);
        final List<Path> written = new ArrayList<>();
        final List<String> throughputCases = new ArrayList<>();
        final List<String> latencyCases = new ArrayList<>();
        for (final Comparison.Sample sample : comparison.samples()) {
            final String name = sample.compareCase().name();
            final List<String> list = sample.compareCase().isLatencyCase() ? latencyCases : throughputCases;
            if (!list.contains(name)) {
                list.add(name);
            }
        }
        if (!throughputCases.isEmpty()) {
            final CategoryChart bars = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Throughput, median of rounds").xAxisTitle("case").yAxisTitle("MB/s").build();
            for (int server = 0; server < labels.size(); server++) {
                final List<Double> medians = new ArrayList<>();
                for (final String name : throughputCases) {
                    medians.add(Stats.median(comparison.values(name, server, Comparison.Metric.MB_PER_SEC)));
                }
                bars.addSeries(labels.get(server), throughputCases, medians);
            }
            written.add(save(bars, directory.resolve("throughput")));
        }
        if (!latencyCases.isEmpty()) {
            final XYChart curves = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Latency percentiles, median of rounds (e2e: produce to consume; produce: send to ack)")
                .xAxisTitle("percentile")
                .yAxisTitle("ms").build();
            curves.getStyler().setYAxisLogarithmic(true);
            curves.getStyler().setxAxisTickLabelsFormattingFunction(Charts::percentileLabel);
            for (final String name : latencyCases) {
                for (int server = 0; server < labels.size(); server++) {
                    final List<Double> x = new ArrayList<>();
                    final List<Double> y = new ArrayList<>();
                    final Comparison.Metric[] metrics = {Comparison.Metric.P50_MS, null, Comparison.Metric.P99_MS,
                        Comparison.Metric.P999_MS, null};
                    for (int i = 0; i < LatencySummary.PERCENTILES.length; i++) {
                        // Evenly spaced p50, p90, p99, p99.9, max: each step one more nine, the tail spread out.
                        x.add((double) i);
                        y.add(Math.max(0.001, median(comparison, name, server, metrics[i], i)));
                    }
                    curves.addSeries(labels.get(server) + " " + name, x, y).setMarker(SeriesMarkers.CIRCLE);
                }
            }
            written.add(save(curves, directory.resolve("latency")));
        }
        return written;
    }

    private static double median(final Comparison comparison, final String name, final int server,
                                 final Comparison.Metric metric, final int index) {
        if (metric != null) {
            return Stats.median(comparison.values(name, server, metric));
        }
        final List<Double> values = new ArrayList<>();
        for (final Comparison.Sample sample : comparison.samples()) {
            if (sample.server() == server && sample.compareCase().name().equals(name)) {
                values.add(index == 1 ? sample.result().latency().p90Ms() : sample.result().latency().maxMs());
            }
        }
        final double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        return Stats.median(array);
    }

    /** Tick labels of the latency chart: the percentile at each whole x position. */
    private static String percentileLabel(final Double x) {
        final long index = Math.round(x);
        if (Math.abs(x - index) > 0.01 || index < 0 || index >= LatencySummary.PERCENTILES.length) {
            return "";
        }
        final double percentile = LatencySummary.PERCENTILES[(int) index];
        if (percentile >= 100.0) {
            return "max";
        }
        return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
    }

    private static Path save(final org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, final Path base)
        throws IOException {
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
        return base.resolveSibling(base.getFileName() + ".png");
    }
}
