package keel.log.tool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems (data that disagrees with the format or with the log) and notes (facts worth knowing that are not
 * wrong) found by a check, each naming the file it is about. At most {@link #MAX_SHOWN_PER_FILE} problems are kept
 * per file, so that an index full of garbage does not bury the rest; the others are only counted. Confined to one
 * thread.
 */
final class ProblemList {
    /** Problems kept per file; a damaged 10 MiB index could otherwise yield a million lines. */
    static final int MAX_SHOWN_PER_FILE = 20;

    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Integer> perFile = new HashMap<>();
    private final Map<String, Integer> hidden = new LinkedHashMap<>();
    private int count;

    /**
     * @param file  the file name.
     * @param where where in the file, e.g. {@code "position 4096"}, or null for the whole file.
     * @param what  what is wrong.
     */
    void problem(final String file, final String where, final String what) {
        count++;
        final int shown = perFile.merge(file, 1, Integer::sum);
        if (shown <= MAX_SHOWN_PER_FILE) {
            problems.add(where == null ? file + ": " + what : file + " " + where + ": " + what);
        } else {
            hidden.merge(file, 1, Integer::sum);
        }
    }

    /**
     * @param file    the file name.
     * @param message the note.
     */
    void note(final String file, final String message) {
        notes.add(file + ": " + message);
    }

    /**
     * @return the number of problems, shown or not.
     */
    int count() {
        return count;
    }

    /**
     * @return the problems to show, followed by one line per file whose further problems are hidden.
     */
    List<String> problems() {
        final List<String> lines = new ArrayList<>(problems);
        for (final Map.Entry<String, Integer> entry : hidden.entrySet()) {
            lines.add(entry.getKey() + ": " + Text.plural(entry.getValue(), "more problem") + " not shown");
        }
        return lines;
    }

    /**
     * @return the notes.
     */
    List<String> notes() {
        return notes;
    }
}
