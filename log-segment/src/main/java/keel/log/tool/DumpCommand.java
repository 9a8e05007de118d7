package keel.log.tool;

import keel.index.CorruptIndexException;
import keel.index.OffsetIndex;
import keel.index.OffsetPosition;
import keel.index.TimeIndex;
import keel.index.TimestampOffset;
import keel.log.Compression;
import keel.log.ErrorCode;
import keel.log.RecordBatchView;
import keel.log.RecordReader;
import keel.log.RecordView;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code dump PATH}: prints the batches (and with {@code --print-data} the records) of a segment file or of every
 * segment of a partition directory, or the entries of an index file. Strictly read-only (see
 * {@link SegmentScanner}). Stateless.
 */
final class DumpCommand implements Command {
    static final String PRINT_DATA = "--print-data";

    @Override
    public String name() {
        return "dump";
    }

    @Override
    public String synopsis() {
        return "[--print-data] PATH";
    }

    @Override
    public String summary() {
        return "print the batches and records of a segment file or partition directory, or an index file";
    }

    @Override
    public String help() {
        return String.join(System.lineSeparator(),
            "Usage: keel-log.sh dump [--print-data] PATH",
            "",
            "Prints what a segment file holds, without changing it. PATH is one of:",
            "  a .log segment file     one line per record batch: offsets, position, size, timestamps,",
            "                          producer id/epoch/sequence, leader epoch, compression, flags, CRC",
            "  a partition directory   every segment (<20 digits>.log) in offset order",
            "  an .index file          its entries: offset and position",
            "  a .timeindex file       its entries: timestamp and offset",
            "",
            "Options:",
            "  --print-data   also print every record: offset, timestamp, key, value (UTF-8, quoted) and headers.",
            "                 Records of snappy and zstd batches are not decoded (Keel reads none, gzip, lz4).",
            "",
            "Lines starting with '!' describe invalid data: a batch whose CRC, magic or offsets are wrong, and where",
            "the valid data ends (torn or corrupt tail, or the zeroed preallocated tail left by an unclean shutdown).",
            "",
            "Exit codes: 0 all data valid; 1 invalid data found; 2 usage error or unreadable PATH.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of();
    }

    @Override
    public Set<String> flagOptions() {
        return Set.of(PRINT_DATA);
    }

    @Override
    public int run(final Arguments args, final ToolStreams streams) throws UsageException, IOException {
        final Path path = Path.of(args.single("PATH"));
        final boolean printData = args.flag(PRINT_DATA);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        boolean valid = true;
        if (Files.isDirectory(path)) {
            final List<PartitionFiles.SegmentFile> segments = PartitionFiles.list(path).segments();
            if (segments.isEmpty()) {
                throw new UsageException(path + " holds no segment files (<20 digits>.log); give a partition"
                    + " directory such as data/events-0, or a .log, .index or .timeindex file");
            }
            for (final PartitionFiles.SegmentFile segment : segments) {
                valid &= dumpLog(segment.logFile(), segment.baseOffset(), printData, streams);
            }
        } else {
            final String name = path.getFileName().toString();
            final PartitionFiles.Kind kind = PartitionFiles.kindOf(name);
            if (kind == null) {
                throw new UsageException("cannot dump " + path + ": expected a partition directory or a .log, .index"
                    + " or .timeindex file");
            }
            final long baseOffset = PartitionFiles.baseOffsetOrUnknown(name);
            if (kind == PartitionFiles.Kind.LOG) {
                valid = dumpLog(path, baseOffset, printData, streams);
            } else if (baseOffset == SegmentScanner.UNKNOWN_BASE_OFFSET) {
                throw new UsageException("cannot tell the base offset of " + path + ": index files are named after"
                    + " their segment's base offset in 20 digits, e.g. 00000000000000000000.index");
            } else if (kind == PartitionFiles.Kind.OFFSET_INDEX) {
                valid = dumpOffsetIndex(path, baseOffset, streams.out());
            } else {
                valid = dumpTimeIndex(path, baseOffset, streams.out());
            }
        }
        return valid ? LogTool.EXIT_OK : LogTool.EXIT_PROBLEMS;
    }

    private static boolean dumpLog(final Path file, final long baseOffset, final boolean printData,
                                   final ToolStreams streams) throws IOException {
        final PrintStream out = streams.out();
        boolean recordsValid = true;
        try (SegmentScanner scanner = SegmentScanner.open(file, baseOffset);
             RecordReader reader = new RecordReader()) {
            out.println("Dumping " + file);
            out.println("Base offset: " + (baseOffset == SegmentScanner.UNKNOWN_BASE_OFFSET
                ? "unknown (not a segment file name)" : baseOffset) + ", size: " + scanner.fileSize() + " bytes");
            while (scanner.next()) {
                printBatch(scanner, out);
                if (!scanner.isBatchValid()) {
                    out.println("! invalid batch at position " + scanner.position() + ": " + scanner.batchError());
                } else if (printData) {
                    recordsValid &= printRecords(scanner.batch(), scanner.position(), reader, out);
                }
            }
            if (scanner.tailReason() != null && scanner.framedEnd() != scanner.cutPosition()) {
                out.println("! invalid data at position " + scanner.framedEnd() + ": " + scanner.tailReason());
            }
            if (scanner.cutPosition() >= 0) {
                final String summary = file.getFileName() + ": invalid data starts at position "
                    + scanner.cutPosition() + ": " + scanner.cutReason() + " (recovery would cut the "
                    + Text.plural(scanner.fileSize() - scanner.cutPosition(), "byte") + " from there)";
                out.println("! " + summary);
                streams.err().println("keel-log: dump: " + summary);
                return false;
            }
            out.println("End of segment: " + Text.plural(scanner.keptBatches(), "batch") + ", "
                + Text.plural(scanner.keptRecords(), "record") + (scanner.keptBatches() == 0 ? ""
                : ", offsets " + scanner.keptFirstOffset() + " to " + scanner.keptLastOffset()) + ", "
                + Text.plural(scanner.fileSize(), "byte"));
        }
        if (!recordsValid) {
            streams.err().println("keel-log: dump: " + file.getFileName() + " holds invalid records (see the lines"
                + " starting with '!')");
        }
        return recordsValid;
    }

    private static void printBatch(final SegmentScanner scanner, final PrintStream out) {
        final RecordBatchView batch = scanner.batch();
        if (!scanner.isMagicSupported()) {
            out.println("position: " + scanner.position() + " size: " + scanner.sizeInBytes() + " magic: "
                + batch.magic());
            return;
        }
        final int compressionId = batch.compressionId();
        final String compression = compressionId <= Compression.ZSTD.id()
            ? Compression.forId(compressionId).codecName() : "unknown(" + compressionId + ")";
        out.println("baseOffset: " + batch.baseOffset()
            + " lastOffset: " + batch.lastOffset()
            + " count: " + batch.recordCount()
            + " position: " + scanner.position()
            + " size: " + scanner.sizeInBytes()
            + " magic: " + batch.magic()
            + " timestampType: " + (batch.isLogAppendTime() ? "LogAppendTime" : "CreateTime")
            + " baseTimestamp: " + batch.baseTimestamp()
            + " maxTimestamp: " + batch.maxTimestamp()
            + " producerId: " + batch.producerId()
            + " producerEpoch: " + batch.producerEpoch()
            + " baseSequence: " + batch.baseSequence()
            + " partitionLeaderEpoch: " + batch.partitionLeaderEpoch()
            + " compression: " + compression
            + " isTransactional: " + batch.isTransactional()
            + " isControl: " + batch.isControl()
            + " crc: " + batch.crc()
            + " crcValid: " + batch.isCrcValid()
            + " isValid: " + scanner.isBatchValid());
    }

    /**
     * @return false if the records could not be read (the batch's CRC is right, so the producer wrote them so).
     */
    private static boolean printRecords(final RecordBatchView batch, final int position, final RecordReader reader,
                                        final PrintStream out) {
        int code = reader.tryOpen(batch);
        if (code == ErrorCode.UNSUPPORTED_COMPRESSION_TYPE) {
            out.println("| records not shown: Keel cannot decode " + describeCodec(batch) + " records (it decodes "
                + Compression.SUPPORTED_NAMES + "); the batch itself is valid");
            return true;
        }
        if (code != ErrorCode.NONE) {
            out.println("! cannot read the records of the batch at position " + position + ": "
                + reader.errorMessage());
            return false;
        }
        final RecordView record = reader.record();
        while ((code = reader.tryNext()) == ErrorCode.NONE) {
            final StringBuilder line = new StringBuilder(128)
                .append("| offset: ").append(record.offset())
                .append(" timestamp: ").append(record.timestamp())
                .append(" key: ").append(Text.quote(record.buffer(), record.keyOffset(), record.keyLength()))
                .append(" value: ").append(Text.quote(record.buffer(), record.valueOffset(), record.valueLength()))
                .append(" headers: {");
            for (int i = 0; i < record.headerCount(); i++) {
                if (i > 0) {
                    line.append(", ");
                }
                line.append(Text.quote(record.headerKey(i))).append(": ").append(Text.quote(record.buffer(),
                    record.headerValueOffset(i), record.headerValueLength(i)));
            }
            out.println(line.append('}'));
        }
        if (code != RecordReader.END_OF_BATCH) {
            out.println("! invalid record in the batch at position " + position + ": " + reader.errorMessage());
            return false;
        }
        return true;
    }

    private static String describeCodec(final RecordBatchView batch) {
        final int id = batch.compressionId();
        return id <= Compression.ZSTD.id() ? Compression.forId(id).codecName() : "compression id " + id;
    }

    private static boolean dumpOffsetIndex(final Path file, final long baseOffset, final PrintStream out)
        throws IOException {
        try (OffsetIndex index = IndexFiles.openOffsetIndex(file, baseOffset)) {
            out.println("Dumping " + file);
            out.println("Offset index, base offset " + baseOffset + ", " + Text.plural(index.entries(), "entry"));
            final OffsetPosition entry = new OffsetPosition();
            for (int i = 0; i < index.entries(); i++) {
                index.lookupEntry(i, entry);
                out.println("offset: " + entry.offset() + " position: " + entry.position());
            }
            return sanityChecked(out, index::sanityCheck);
        }
    }

    private static boolean dumpTimeIndex(final Path file, final long baseOffset, final PrintStream out)
        throws IOException {
        try (TimeIndex index = IndexFiles.openTimeIndex(file, baseOffset)) {
            out.println("Dumping " + file);
            out.println("Time index, base offset " + baseOffset + ", " + Text.plural(index.entries(), "entry"));
            final TimestampOffset entry = new TimestampOffset();
            for (int i = 0; i < index.entries(); i++) {
                index.lookupEntry(i, entry);
                out.println("timestamp: " + entry.timestamp() + " offset: " + entry.offset());
            }
            return sanityChecked(out, index::sanityCheck);
        }
    }

    /**
     * Runs the index module's own sanity check: whole entries, offsets not below the base offset, entries in order.
     */
    private static boolean sanityChecked(final PrintStream out, final Runnable sanityCheck) {
        try {
            sanityCheck.run();
            return true;
        } catch (final CorruptIndexException ex) {
            out.println("! " + ex.getMessage());
            return false;
        }
    }
}
