package keel.perf.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads a process's CPU time and peak resident set from Linux's /proc. Stateless, thread-safe.
 */
public final class ProcStats {

    /** Linux's USER_HZ; /proc/PID/stat counts CPU time in these ticks. 100 on every mainstream kernel. */
    private static final long DEFAULT_CLOCK_TICKS_PER_SECOND = 100;
    private static final long CLOCK_TICKS_PER_SECOND = readClockTicks();
    /** utime and stime are fields 14 and 15 of /proc/PID/stat, counted from 1. */
    private static final int UTIME_FIELD = 14;

    private ProcStats() {
    }

    /**
     * @param pid a process id
     * @return user plus system CPU seconds the process has used, or -1 when /proc cannot be read
     */
    public static double cpuSeconds(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            final int utimeIndex = UTIME_FIELD - 3;
            final long ticks = Long.parseLong(fields[utimeIndex]) + Long.parseLong(fields[utimeIndex + 1]);
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param pid a process id
     * @return VmHWM (peak resident set) in bytes, or -1 when /proc cannot be read
     */
    public static long peakRssBytes(final long pid) {
        return kibToBytes(statusKb(pid, "VmHWM:"));
    }

    /**
     * @param pid a process id
     * @return VmRSS (current resident set) in bytes, or -1 when /proc cannot be read
     */
    public static long rssBytes(final long pid) {
        return kibToBytes(statusKb(pid, "VmRSS:"));
    }

    private static long kibToBytes(final long kib) {
        return kib < 0 ? -1 : kib * 1024;
    }

    private static long statusKb(final long pid, final String key) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
            return -1;
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long readClockTicks() {
        try {
            final Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return Long.parseLong(out);
            }
            return DEFAULT_CLOCK_TICKS_PER_SECOND;
        } catch (final IOException | RuntimeException e) {
            return DEFAULT_CLOCK_TICKS_PER_SECOND;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_CLOCK_TICKS_PER_SECOND;
        }
    }
}
