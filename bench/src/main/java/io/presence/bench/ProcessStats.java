package io.presence.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a server process, read from /proc by PID (Linux). */
record ProcessStats(long cpuMillis, long rssKb, long peakRssKb) {

    /** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
    private static final long TICKS_PER_SECOND = 100;

    static ProcessStats of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
            long rss = 0;
            long peak = 0;
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kb(line);
                }
            }
            return new ProcessStats(ticks * 1000 / TICKS_PER_SECOND, rss, peak);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + " (is the PID right?)", e);
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
