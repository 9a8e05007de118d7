package keel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.tools.DumpLogSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own tools read what the broker writes: DumpLogSegments (kafka-tools 4.4) over a data directory left by a
 * clean shutdown, with several segments and every codec.
 */
@Timeout(120)
class KafkaToolsCompatibilityTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldBeReadByKafkaDumpLogSegmentsWhenShutDownCleanly() throws Exception {
        final int perCodec = 400;
        final String[] codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
        try (TestBroker broker = new TestBroker(dataDir, Map.of("log.segment.bytes", "16384",
            "log.index.interval.bytes", "1024")).start()) {
            for (final String codec : codecs) {
                final Properties props = broker.clientProps();
                props.put("key.serializer", ByteArraySerializer.class.getName());
                props.put("value.serializer", ByteArraySerializer.class.getName());
                props.put("compression.type", codec);
                props.put("batch.size", "4096");
                props.put("linger.ms", "5");
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                    for (int i = 0; i < perCodec; i++) {
                        producer.send(new ProducerRecord<>("dumped", 0, null,
                            (codec + "-" + i + "-padding-padding-padding-padding").getBytes(StandardCharsets.UTF_8)));
                    }
                    producer.flush();
                }
            }
        }
        final List<Path> files;
        try (Stream<Path> list = Files.list(dataDir.resolve("dumped-0"))) {
            files = list.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".index")
                || p.toString().endsWith(".timeindex")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() > 3, "expected several segments: " + files);

        final String logDump = dump(files.stream().filter(p -> p.toString().endsWith(".log"))
            .collect(Collectors.toList()), "--deep-iteration");
        final List<Path> indexes = files.stream().filter(p -> !p.toString().endsWith(".log"))
            .collect(Collectors.toList());
        final String sanity = dump(indexes, "--index-sanity-check");
        final String verify = dump(indexes, "--verify-index-only");

        final long records = logDump.lines().filter(line -> line.startsWith("| offset: ")).count();
        assertEquals(perCodec * codecs.length, records, logDump);
        final long batches = logDump.lines().filter(line -> line.startsWith("baseOffset: ")).count();
        assertEquals(batches, logDump.lines().filter(line -> line.endsWith("isvalid: true")).count(), logDump);
        // Kafka's tool prints "... is empty" instead of a sanity verdict for an index without entries (the last
        // segment when it holds less than index.interval.bytes), so every index gets one of the two lines.
        assertEquals(indexes.size(), sanity.lines()
            .filter(line -> line.endsWith("passed sanity check.") || line.endsWith("is empty.")).count(), sanity);
        assertFalse(sanity.toLowerCase(Locale.ROOT).contains("fail"), sanity);
        assertFalse(verify.contains("Mismatches"), verify);
    }

    private static String dump(final List<Path> files, final String option) throws Exception {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DumpLogSegments.main(new String[] {"--files", files.stream().map(Path::toString)
                .collect(Collectors.joining(",")), option});
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
