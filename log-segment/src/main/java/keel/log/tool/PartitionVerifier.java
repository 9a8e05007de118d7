package keel.log.tool;

import keel.index.OffsetIndex;
import keel.index.TimeIndex;
import keel.log.RecordBatchFormat;
import keel.log.RecordBatchView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only check of a partition directory: every segment with {@link SegmentScanner} (framing, magic, CRC,
 * offsets), its indexes with {@link OffsetIndexCheck} and {@link TimeIndexCheck}, and the segments against each
 * other (each segment's base offset above the last offset of the one before). Files the engine would delete or
 * rebuild on open are notes, not problems. Stateless.
 */
final class PartitionVerifier {
    /**
     * What a check of one segment found.
     *
     * @param name             the {@code .log} file name.
     * @param baseOffset       the base offset from the name.
     * @param fileSize         the file size in bytes.
     * @param batches          the valid batches before the first invalid byte (what recovery keeps).
     * @param records          the records those batches store.
     * @param firstOffset      the first offset kept, or -1.
     * @param lastOffset       the last offset kept, or -1.
     * @param cutPosition      the first invalid byte, where recovery cuts, or -1.
     * @param cutReason        why it is invalid, or null.
     * @param cutOnlyZeros     whether everything from the cut on is zero bytes (preallocated space): the engine then
     *                         cuts no data and keeps the later segments.
     * @param indexEntries     entries of the offset index, or -1 if it is missing.
     * @param timeIndexEntries entries of the time index, or -1 if it is missing.
     */
    record SegmentReport(String name, long baseOffset, int fileSize, int batches, long records, long firstOffset,
                         long lastOffset, int cutPosition, String cutReason, boolean cutOnlyZeros, int indexEntries,
                         int timeIndexEntries) {
        String describe() {
            return Text.plural(batches, "batch") + ", " + Text.plural(records, "record")
                + (batches == 0 ? "" : ", offsets " + firstOffset + " to " + lastOffset) + ", "
                + Text.plural(fileSize, "byte") + "; index: " + entries(indexEntries) + ", time index: "
                + entries(timeIndexEntries);
        }

        private static String entries(final int count) {
            return count < 0 ? "missing" : Text.plural(count, "entry");
        }
    }

    /**
     * What a check of a directory found.
     *
     * @param segments the segments, oldest first.
     * @param problems the problems and notes.
     */
    record Report(List<SegmentReport> segments, ProblemList problems) {
    }

    private PartitionVerifier() {
    }

    /**
     * Checks a partition directory without changing it.
     *
     * @param dir the directory.
     * @return the report.
     * @throws IOException       if a file cannot be read.
     * @throws UsageException    if the directory holds no segment.
     */
    static Report verify(final Path dir) throws IOException, UsageException {
        final PartitionFiles files = PartitionFiles.list(dir);
        if (files.segments().isEmpty() && files.badLogNames().isEmpty()) {
            throw new UsageException(dir + " holds no segment files (<20 digits>.log); give a partition directory"
                + " such as data/events-0");
        }
        final ProblemList problems = new ProblemList();
        for (final String name : files.badLogNames()) {
            problems.problem(name, null, "not a segment file name (<20 digits>.log): opening the log fails on it");
        }
        for (final String name : files.leftovers()) {
            problems.note(name, "left by an interrupted operation; the engine deletes it when it opens the log");
        }
        for (final String name : files.orphanIndexes()) {
            problems.note(name, "an index without its segment; the engine deletes it when it opens the log");
        }
        final List<SegmentReport> reports = new ArrayList<>();
        for (final PartitionFiles.SegmentFile segment : files.segments()) {
            reports.add(verifySegment(segment, problems));
        }
        checkAcrossSegments(reports, problems);
        return new Report(reports, problems);
    }

    private static SegmentReport verifySegment(final PartitionFiles.SegmentFile segment, final ProblemList problems)
        throws IOException {
        final String name = segment.name();
        OffsetIndex offsetIndex = null;
        TimeIndex timeIndex = null;
        try (SegmentScanner scanner = SegmentScanner.open(segment.logFile(), segment.baseOffset())) {
            offsetIndex = Files.exists(segment.indexFile())
                ? IndexFiles.openOffsetIndex(segment.indexFile(), segment.baseOffset()) : null;
            timeIndex = Files.exists(segment.timeIndexFile())
                ? IndexFiles.openTimeIndex(segment.timeIndexFile(), segment.baseOffset()) : null;
            final String missing = "missing; the engine rebuilds it from the log when it opens the log";
            if (offsetIndex == null) {
                problems.note(segment.indexFile().getFileName().toString(), missing);
            }
            if (timeIndex == null) {
                problems.note(segment.timeIndexFile().getFileName().toString(), missing);
            }
            final OffsetIndexCheck offsetCheck = offsetIndex == null ? null
                : new OffsetIndexCheck(segment.indexFile().getFileName().toString(), offsetIndex, problems);
            final TimeIndexCheck timeCheck = timeIndex == null ? null
                : new TimeIndexCheck(segment.timeIndexFile().getFileName().toString(), timeIndex, problems);
            long lastOffset = Long.MIN_VALUE;
            long maxTimestamp = RecordBatchFormat.NO_TIMESTAMP;
            long offsetOfMaxTimestamp = -1L;
            while (scanner.next()) {
                if (!scanner.isBatchValid()) {
                    problems.problem(name, "position " + scanner.position(), scanner.batchError());
                }
                if (!scanner.isMagicSupported()) {
                    continue;
                }
                final RecordBatchView batch = scanner.batch();
                if (offsetCheck != null) {
                    offsetCheck.onBatch(scanner.position(), scanner.sizeInBytes(), batch.lastOffset());
                }
                if (timeCheck != null) {
                    timeCheck.onBatch(scanner.position(), batch.baseOffset(), batch.lastOffset(),
                        batch.maxTimestamp());
                }
                lastOffset = batch.lastOffset();
                if (batch.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = batch.maxTimestamp();
                    offsetOfMaxTimestamp = batch.lastOffset();
                }
            }
            if (scanner.tailReason() != null) {
                problems.problem(name, "position " + scanner.framedEnd(), scanner.tailReason());
            }
            if (offsetCheck != null) {
                offsetCheck.finish(scanner.framedEnd(), lastOffset);
            }
            if (timeCheck != null) {
                timeCheck.finish(lastOffset, maxTimestamp, offsetOfMaxTimestamp);
            }
            return new SegmentReport(name, segment.baseOffset(), scanner.fileSize(), scanner.keptBatches(),
                scanner.keptRecords(), scanner.keptFirstOffset(), scanner.keptLastOffset(), scanner.cutPosition(),
                scanner.cutReason(), scanner.cutOnlyZeros(), offsetIndex == null ? -1 : offsetIndex.entries(),
                timeIndex == null ? -1 : timeIndex.entries());
        } finally {
            if (offsetIndex != null) {
                offsetIndex.close();
            }
            if (timeIndex != null) {
                timeIndex.close();
            }
        }
    }

    /**
     * Segments hold increasing offsets; gaps between them are allowed (Kafka leaves them, e.g. after a log is
     * truncated fully and restarted at a later offset). A cut segment makes the engine delete the later ones.
     */
    private static void checkAcrossSegments(final List<SegmentReport> reports, final ProblemList problems) {
        long previousLastOffset = -1L;
        String previousName = null;
        for (int i = 0; i < reports.size(); i++) {
            final SegmentReport report = reports.get(i);
            if (previousName != null && report.baseOffset() <= previousLastOffset) {
                problems.problem(report.name(), null, "the base offset " + report.baseOffset() + " is not above the"
                    + " last offset " + previousLastOffset + " of the segment before it, " + previousName);
            }
            if (report.cutPosition() >= 0 && !report.cutOnlyZeros() && i + 1 < reports.size()) {
                problems.note(report.name(), "recovery cuts it at position " + report.cutPosition() + " and deletes"
                    + " the " + Text.plural(reports.size() - i - 1, "later segment") + " (from "
                    + reports.get(i + 1).name() + " on)");
            }
            if (report.lastOffset() >= 0) {
                previousLastOffset = report.lastOffset();
                previousName = report.name();
            }
        }
    }
}
