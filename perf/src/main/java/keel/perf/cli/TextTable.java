package keel.perf.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table with right-aligned columns (left-aligned first column), or the same rows as a Markdown table.
 * Confined to one thread.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(final String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    TextTable row(final Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row has " + cells.length + " cells: columns=" + columns);
        }
        final String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = String.valueOf(cells[i]);
        }
        rows.add(row);
        return this;
    }

    void print(final PrintWriter out) {
        final int[] widths = new int[columns];
        for (final String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                final String cell = rows.get(r)[i];
                final String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? cell + pad : pad + cell);
                if (i < columns - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                int total = 0;
                for (final int width : widths) {
                    total += width;
                }
                out.println("-".repeat(total + 2 * (columns - 1)));
            }
        }
        out.flush();
    }

    /**
     * Prints the rows as a GitHub Markdown table (header, separator, rows; {@code |} in cells escaped).
     */
    void printMarkdown(final PrintWriter out) {
        for (int r = 0; r < rows.size(); r++) {
            final StringBuilder line = new StringBuilder("|");
            for (final String cell : rows.get(r)) {
                line.append(' ').append(cell.replace("|", "\\|")).append(" |");
            }
            out.println(line);
            if (r == 0) {
                out.println("|" + " --- |".repeat(columns));
            }
        }
        out.flush();
    }
}
