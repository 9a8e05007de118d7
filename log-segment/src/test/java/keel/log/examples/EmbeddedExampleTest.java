package keel.log.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedExampleTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldReadBackWhatTheGuideAppends() throws IOException {
        assertEquals(List.of("0:signed up", "1:logged in", "2:heartbeat"), EmbeddedExample.run(dataDir));
    }

    @Test
    void shouldLeaveACleanShutdownMarkerAfterTheGuideCloses() throws IOException {
        EmbeddedExample.run(dataDir);
        assertTrue(Files.exists(dataDir.resolve(".kafka_cleanshutdown")));
        assertTrue(Files.exists(dataDir.resolve("events-0").resolve("00000000000000000000.log")));
    }
}
