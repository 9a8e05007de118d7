package keel.perf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class MarkdownSectionTest {

    @Test
    void shouldReproduceCommandFromTheSubcommandOnWhenGivenPicocliArgs() {
        assertEquals("bin/keel-perf.sh compare --brokers=3 -d 10s",
            MarkdownSection.commandLine("compare", List.of("compare", "--brokers=3", "-d", "10s")));
    }

    @Test
    void shouldQuoteArgumentsWithShellMetacharacters() {
        assertEquals("bin/keel-perf.sh failover --markdown-title 'Failover, it'\\''s fast'",
            MarkdownSection.commandLine("failover", List.of("failover", "--markdown-title", "Failover, it's fast")));
    }

    @Test
    void shouldReadThreeLoadAverages() {
        final String load = MarkdownSection.loadAverage();
        assertTrue(load.matches("\\d+\\.\\d+ \\d+\\.\\d+ \\d+\\.\\d+") || load.equals("unknown"), load);
    }

    @Test
    void shouldPrintMarkdownTableWithSeparatorAndEscapedPipes() {
        final TextTable table = new TextTable("case", "MB/s").row("a|b", "1.5");
        final StringWriter text = new StringWriter();
        table.printMarkdown(new PrintWriter(text));
        assertEquals("| case | MB/s |\n| --- | --- |\n| a\\|b | 1.5 |\n", text.toString().replace("\r\n", "\n"));
    }
}
