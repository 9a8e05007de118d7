package keel.log.examples;

import keel.log.Compression;
import keel.log.Log;
import keel.log.LogConfig;
import keel.log.LogManager;
import keel.log.RecordBatchBuilder;
import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.RecordView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The example of docs/engine.md, compiled and run by {@code EmbeddedExampleTest} so that the guide stays true.
 */
public final class EmbeddedExample {
    private EmbeddedExample() {
    }

    /**
     * Appends three records to the log "events-0" under {@code dataDir}, then reads them back.
     *
     * @param dataDir the data directory.
     * @return the values read, as "offset:value".
     * @throws IOException if the log cannot be opened or read.
     */
    public static List<String> run(final Path dataDir) throws IOException {
        final List<String> seen = new ArrayList<>();
        final LogConfig config = LogConfig.defaults().with(LogConfig.SEGMENT_BYTES_CONFIG, 64 * 1024 * 1024);
        try (LogManager logs = LogManager.open(dataDir, config)) {
            final Log log = logs.getOrCreate("events", 0, config);

            // Write: build a batch (Kafka's v2 format) and append it; the log assigns the offsets.
            try (RecordBatchBuilder builder = new RecordBatchBuilder(Compression.LZ4)) {
                final long now = System.currentTimeMillis();
                builder.append(now, "user-1".getBytes(StandardCharsets.UTF_8), bytes("signed up"));
                builder.append(now, "user-2".getBytes(StandardCharsets.UTF_8), bytes("logged in"));
                builder.append(now, null, bytes("heartbeat"));
                final long firstOffset = log.append(builder.build());
                System.out.println("appended at offset " + firstOffset);
            }

            // Tail: wait (without spinning) until offset 2 exists.
            if (!log.awaitLogEnd(2, 1_000)) {
                throw new IllegalStateException("records did not arrive");
            }

            // Read: whole batches from offset 0, then iterate their records.
            final ByteBuffer batches = log.readBatches(0, 1024 * 1024);
            final RecordBatchView batch = new RecordBatchView();
            try (RecordReader reader = new RecordReader()) {
                for (int position = 0; position < batches.limit(); position += batch.sizeInBytes()) {
                    batch.wrap(batches, position);
                    reader.open(batch);
                    while (reader.next()) {
                        final RecordView record = reader.record();
                        seen.add(record.offset() + ":" + new String(record.valueBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        return seen;
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param args the data directory (default ./example-data).
     * @throws IOException if the log cannot be used.
     */
    public static void main(final String[] args) throws IOException {
        run(Paths.get(args.length > 0 ? args[0] : "example-data")).forEach(System.out::println);
    }
}
