package keel.log.tool;

import keel.index.SegmentFileNames;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of a partition directory as the engine sees them when it opens the log: segments
 * ({@code <20 digits>.log}, ordered by base offset), files the engine deletes on open (leftovers of interrupted
 * operations, and indexes without a {@code .log}), and {@code .log} files whose name is not a segment name (on which
 * opening the log fails). Other files (producer-state snapshots, checkpoints) are ignored. Immutable.
 */
final class PartitionFiles {
    /** Kinds of segment files the tool reads. */
    enum Kind {
        LOG, OFFSET_INDEX, TIME_INDEX
    }

    /**
     * One segment: its base offset and {@code .log} file.
     *
     * @param baseOffset the base offset from the file name.
     * @param logFile    the {@code .log} file.
     */
    record SegmentFile(long baseOffset, Path logFile) {
        Path indexFile() {
            return logFile.resolveSibling(SegmentFileNames.fileName(baseOffset, SegmentFileNames.INDEX_SUFFIX));
        }

        Path timeIndexFile() {
            return logFile.resolveSibling(SegmentFileNames.fileName(baseOffset, SegmentFileNames.TIME_INDEX_SUFFIX));
        }

        String name() {
            return logFile.getFileName().toString();
        }
    }

    private static final String[] LEFTOVER_SUFFIXES = {
        SegmentFileNames.DELETED_SUFFIX, SegmentFileNames.CLEANED_SUFFIX, SegmentFileNames.SWAP_SUFFIX, ".tmp"
    };

    private final List<SegmentFile> segments;
    private final List<String> leftovers;
    private final List<String> orphanIndexes;
    private final List<String> badLogNames;

    private PartitionFiles(final List<SegmentFile> segments, final List<String> leftovers,
                           final List<String> orphanIndexes, final List<String> badLogNames) {
        this.segments = segments;
        this.leftovers = leftovers;
        this.orphanIndexes = orphanIndexes;
        this.badLogNames = badLogNames;
    }

    /**
     * Lists a directory.
     *
     * @param dir the partition directory.
     * @return its files, sorted.
     * @throws IOException if the directory cannot be read ({@link NotDirectoryException} if it is a file).
     */
    static PartitionFiles list(final Path dir) throws IOException {
        final List<SegmentFile> segments = new ArrayList<>();
        final List<String> leftovers = new ArrayList<>();
        final List<String> indexes = new ArrayList<>();
        final List<String> badLogNames = new ArrayList<>();
        final Set<Long> bases = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                if (isLeftover(name)) {
                    leftovers.add(name);
                } else if (name.endsWith(SegmentFileNames.LOG_SUFFIX)) {
                    final long base = baseOffsetOrUnknown(name);
                    if (base == SegmentScanner.UNKNOWN_BASE_OFFSET) {
                        badLogNames.add(name);
                    } else {
                        segments.add(new SegmentFile(base, file));
                        bases.add(base);
                    }
                } else if (name.endsWith(SegmentFileNames.INDEX_SUFFIX)
                    || name.endsWith(SegmentFileNames.TIME_INDEX_SUFFIX)) {
                    indexes.add(name);
                }
            }
        }
        final List<String> orphans = new ArrayList<>();
        for (final String name : indexes) {
            final long base = baseOffsetOrUnknown(name);
            if (base == SegmentScanner.UNKNOWN_BASE_OFFSET || !bases.contains(base)) {
                orphans.add(name);
            }
        }
        segments.sort((a, b) -> Long.compare(a.baseOffset(), b.baseOffset()));
        Collections.sort(leftovers);
        Collections.sort(orphans);
        Collections.sort(badLogNames);
        return new PartitionFiles(segments, leftovers, orphans, badLogNames);
    }

    /**
     * @return the segments, oldest first.
     */
    List<SegmentFile> segments() {
        return segments;
    }

    /**
     * @return names of files an interrupted deletion, cleaning or write left behind; the engine deletes them.
     */
    List<String> leftovers() {
        return leftovers;
    }

    /**
     * @return names of index files without a segment; the engine deletes them.
     */
    List<String> orphanIndexes() {
        return orphanIndexes;
    }

    /**
     * @return names of {@code .log} files that are not {@code <20 digits>.log}.
     */
    List<String> badLogNames() {
        return badLogNames;
    }

    /**
     * The kind of a file from its name, ignoring one state suffix ({@code .deleted}, {@code .cleaned},
     * {@code .swap}).
     *
     * @param name a file name.
     * @return the kind, or null if it is none the tool reads.
     */
    static Kind kindOf(final String name) {
        String stripped = name;
        for (final String suffix : LEFTOVER_SUFFIXES) {
            if (stripped.endsWith(suffix)) {
                stripped = stripped.substring(0, stripped.length() - suffix.length());
                break;
            }
        }
        if (stripped.endsWith(SegmentFileNames.LOG_SUFFIX)) {
            return Kind.LOG;
        }
        if (stripped.endsWith(SegmentFileNames.INDEX_SUFFIX)) {
            return Kind.OFFSET_INDEX;
        }
        if (stripped.endsWith(SegmentFileNames.TIME_INDEX_SUFFIX)) {
            return Kind.TIME_INDEX;
        }
        return null;
    }

    /**
     * @param name a file name.
     * @return the base offset it starts with, or {@link SegmentScanner#UNKNOWN_BASE_OFFSET} if it is not a segment
     *     file name.
     */
    static long baseOffsetOrUnknown(final String name) {
        try {
            return SegmentFileNames.parseBaseOffset(name);
        } catch (final IllegalArgumentException ignore) {
            return SegmentScanner.UNKNOWN_BASE_OFFSET;
        }
    }

    private static boolean isLeftover(final String name) {
        for (final String suffix : LEFTOVER_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }
}
