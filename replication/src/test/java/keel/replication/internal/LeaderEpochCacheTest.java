package keel.replication.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import keel.replication.EpochEndOffset;
import keel.replication.ReplicationError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    private LeaderEpochCache cacheWith(final int... epochAndOffset) throws IOException {
        final LeaderEpochCache cache = LeaderEpochCache.open(dir);
        for (int i = 0; i < epochAndOffset.length; i += 2) {
            cache.assign(epochAndOffset[i], epochAndOffset[i + 1]);
        }
        return cache;
    }

    private static EpochEndOffset answer(final int epoch, final long endOffset) {
        return new EpochEndOffset(ReplicationError.NONE, epoch, endOffset);
    }

    @Test
    void shouldWriteKafkaTextFormatWhenEpochAssigned() throws IOException {
        cacheWith(0, 0, 3, 120);

        assertEquals(List.of("0", "2", "0 0", "3 120"), Files.readAllLines(dir.resolve(LeaderEpochCache.FILE_NAME)));
    }

    @Test
    void shouldReadBackWhatItWroteWhenReopened() throws IOException {
        cacheWith(0, 0, 3, 120);

        assertEquals(Map.of(0, 0L, 3, 120L), LeaderEpochCache.open(dir).entries());
    }

    @Test
    void shouldIgnoreSameEpochWhenAssignedAtLaterOffset() throws IOException {
        final LeaderEpochCache cache = cacheWith(2, 10);

        assertFalse(cache.assign(2, 15));

        assertEquals(Map.of(2, 10L), cache.entries());
    }

    @Test
    void shouldRemoveEntriesAtOrAboveWhenEpochOrOffsetGoesBackwards() throws IOException {
        final LeaderEpochCache cache = cacheWith(0, 0, 2, 10, 4, 20);

        cache.assign(3, 15);

        assertEquals(Map.of(0, 0L, 2, 10L, 3, 15L), cache.entries());
    }

    @Test
    void shouldAnswerLogEndWhenRequestedEpochIsTheLatest() throws IOException {
        assertEquals(answer(3, 200), cacheWith(0, 0, 3, 120).endOffsetFor(3, 200));
    }

    @Test
    void shouldAnswerNextEpochStartWhenRequestedEpochIsOlder() throws IOException {
        assertEquals(answer(0, 120), cacheWith(0, 0, 3, 120).endOffsetFor(0, 200));
    }

    @Test
    void shouldAnswerLargestEpochBelowWhenRequestedEpochIsUnknownGap() throws IOException {
        assertEquals(answer(0, 120), cacheWith(0, 0, 3, 120).endOffsetFor(2, 200));
    }

    @Test
    void shouldAnswerRequestedEpochWithFirstStartWhenBelowEveryEntry() throws IOException {
        assertEquals(answer(1, 50), cacheWith(2, 50, 3, 120).endOffsetFor(1, 200));
    }

    @Test
    void shouldAnswerUndefinedWhenRequestedEpochIsAboveLatest() throws IOException {
        assertEquals(EpochEndOffset.UNDEFINED, cacheWith(0, 0, 3, 120).endOffsetFor(4, 200));
    }

    @Test
    void shouldAnswerUndefinedWhenEmpty() throws IOException {
        assertEquals(EpochEndOffset.UNDEFINED, cacheWith().endOffsetFor(0, 0));
    }

    @Test
    void shouldDropEpochsStartingAtOrAfterOffsetWhenTruncatedFromEnd() throws IOException {
        final LeaderEpochCache cache = cacheWith(0, 0, 2, 10, 4, 20);

        cache.truncateFromEnd(10);

        assertEquals(Map.of(0, 0L), LeaderEpochCache.open(dir).entries());
        assertEquals(0, cache.latestEpoch());
    }

    @Test
    void shouldMoveHoldingEpochStartWhenTruncatedFromStart() throws IOException {
        final LeaderEpochCache cache = cacheWith(0, 0, 2, 10, 4, 20);

        cache.truncateFromStart(15);

        assertEquals(Map.of(2, 15L, 4, 20L), LeaderEpochCache.open(dir).entries());
    }

    @Test
    void shouldNotRewriteFileWhenLogStartIsAlreadyTheFirstEpochStart() throws IOException {
        final LeaderEpochCache cache = cacheWith(0, 5, 2, 10);
        Files.delete(dir.resolve(LeaderEpochCache.FILE_NAME));

        cache.truncateFromStart(5);

        assertFalse(Files.exists(dir.resolve(LeaderEpochCache.FILE_NAME)));
        assertEquals(Map.of(0, 5L, 2, 10L), cache.entries());
    }

    @Test
    void shouldNameFileAndLineWhenCheckpointIsMalformed() throws IOException {
        Files.write(dir.resolve(LeaderEpochCache.FILE_NAME), List.of("0", "1", "x 5"));

        final IOException ex = assertThrows(IOException.class, () -> LeaderEpochCache.open(dir));

        assertEquals("Malformed checkpoint file " + dir.resolve(LeaderEpochCache.FILE_NAME)
            + " at line 3: epoch or offset is not a number", ex.getMessage());
    }
}
