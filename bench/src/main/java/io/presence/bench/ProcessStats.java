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

    /**
     * The Java heap a JVM server still uses after a full collection, in KB: what its live objects
     * take. Asks the JDK's {@code jcmd} (next to this JVM's {@code java}) to collect, then adds up
     * the "used" figures of {@code GC.heap_info}'s heap lines: one for G1, one per generation for
     * the serial and parallel collectors (reading the first alone counted only the young one);
     * the metaspace lines are not heap.
     */
    static long liveHeapKb(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Pattern used = java.util.regex.Pattern.compile("used (\\d+)K");
        long kb = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            java.util.regex.Matcher m = used.matcher(line);
            if (!line.contains("Metaspace") && !line.contains("class space") && m.find()) {
                kb += Long.parseLong(m.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no heap figure in jcmd's answer: " + info);
        }
        return kb;
    }

    private static String jcmd(long pid, String command) {
        Path javaBinary = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = javaBinary.getParent() == null ? Path.of("jcmd") : javaBinary.getParent().resolve("jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
