package keel.log.tool;

import keel.index.FileAllocator;
import keel.index.OffsetIndex;
import keel.index.TimeIndex;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens existing index files for reading through the index module's own classes, never creating or changing them:
 * a missing file is reported instead of being created (the index classes create missing files), the index is opened
 * read-only (its mapping is read-only and it is never trimmed on close), and no allocator can run. Stateless.
 */
final class IndexFiles {
    /** Read-only indexes never allocate; this allocator proves it by failing if they ever tried. */
    private static final FileAllocator NO_ALLOCATION = (file, channel, sizeBytes) -> {
        throw new IOException("keel-log opens " + file + " read-only and never allocates space for it");
    };

    private IndexFiles() {
    }

    /**
     * @param file       an existing {@code .index} file.
     * @param baseOffset the segment's base offset.
     * @return the index, read-only.
     * @throws IOException if the file does not exist or cannot be opened.
     */
    static OffsetIndex openOffsetIndex(final Path file, final long baseOffset) throws IOException {
        checkExists(file);
        try {
            return OffsetIndex.open(file, baseOffset, 0, false, NO_ALLOCATION);
        } catch (final AccessDeniedException ex) {
            throw accessDenied(file, ex);
        }
    }

    /**
     * @param file       an existing {@code .timeindex} file.
     * @param baseOffset the segment's base offset.
     * @return the index, read-only.
     * @throws IOException if the file does not exist or cannot be opened.
     */
    static TimeIndex openTimeIndex(final Path file, final long baseOffset) throws IOException {
        checkExists(file);
        try {
            return TimeIndex.open(file, baseOffset, 0, false, NO_ALLOCATION);
        } catch (final AccessDeniedException ex) {
            throw accessDenied(file, ex);
        }
    }

    private static void checkExists(final Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    /**
     * The index classes open even a read-only index with a read-write channel (so that the engine can make it
     * writable later); a file the user may only read fails there.
     */
    private static IOException accessDenied(final Path file, final AccessDeniedException cause) {
        return new IOException("cannot open " + file + ": permission denied (Keel's index reader needs write"
            + " permission on index files although it does not write them)", cause);
    }
}
