package no.vakt.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lab's stand-in for STONITH (an IPMI or hypervisor power switch): power-off is SIGKILL of a site's
 * mariadbd through its pid file, a path that needs nothing from the server or its network, and kills a
 * frozen (SIGSTOPped) server as surely as a running one. Power-on starts it again, read-only by its my.cnf.
 */
public final class LabPower {
    /** SIGKILL takes effect at once; this bounds the wait for the kernel to tear a large process down. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(10);

    private final Lab lab;
    private final LabSettings settings;

    public LabPower(Lab lab) throws IOException {
        this.lab = lab;
        this.settings = lab.settings().orElseThrow(() -> new Lab.LabException("no lab in " + lab.layout().dir()
                + "; start one with: vakt lab up"));
    }

    /** How a power-off ended: {@code pid} is null when the server was already off. */
    public record Off(LabSite site, Long pid, boolean off) {}

    /** A lab site by its site name (oslo) or node name (oslo-db), as a fence command's {node} gives it. */
    public static LabSite site(String name) {
        for (LabSite s : LabSite.values()) {
            if (s.siteName().equals(name) || s.nodeName().equals(name)) return s;
        }
        throw new Lab.LabException("no lab node '" + name + "'; the lab has oslo-db (oslo) and bergen-db (bergen)");
    }

    /** SIGKILL of the site's mariadbd; off when it was already (a fence repeated is still a fence). */
    public Off powerOff(LabSite site) {
        Optional<ProcessHandle> process = Lab.liveProcess(lab.server(site, settings));
        if (process.isEmpty()) return new Off(site, null, true);
        ProcessHandle h = process.get();
        h.destroyForcibly();
        // Polled, not onExit(): for a process that is not our child the JDK first looks after 300 ms, and a
        // zombie (dead, not yet reaped by the process that started it) counts as alive there.
        long until = System.nanoTime() + EXIT_WAIT.toNanos();
        while (!dead(h) && System.nanoTime() < until) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Off(site, h.pid(), dead(h));
    }

    private static boolean dead(ProcessHandle h) {
        if (!h.isAlive()) return true;
        try {
            // /proc/PID/stat: "pid (comm) S ...": state Z is a process that has exited.
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone between the two looks
        }
    }

    /** Starts the site's mariadbd as {@code lab up} configures it (read-only); false when it was already on. */
    public boolean powerOn(LabSite site) throws IOException {
        MariaDbServer server = lab.server(site, settings);
        if (Lab.liveProcess(server).isPresent()) return false;
        server.start();
        return true;
    }

    /**
     * {@code policy.fence-command} for this lab: {@code vakt lab power-off --dir DIR {node}}, run with this
     * JVM's java and classpath (the jar when run through {@code ./vakt}), absolute, so it works from any directory.
     */
    public static List<String> fenceCommand(Path labDir) {
        // A short-lived JVM: C1 only and the serial collector start it faster on a busy host.
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", absoluteClasspath(), "no.vakt.cli.Main", "lab", "power-off", "--dir",
                labDir.toAbsolutePath().normalize().toString(), "{node}");
    }

    private static String absoluteClasspath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isBlank()) entries.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
