package no.vakt.drill;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import no.vakt.alert.AlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverWatch;
import no.vakt.failover.Monitor;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.filesync.FileSync;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitch;

/**
 * The monitor of {@code vakt run}, composed the same way ({@link FailoverWatch}), running inside the
 * drill for the drill's length, with the daemon's file sync beside it: the drill stands in for
 * {@code vakt run}, so files keep flowing to the standby and the failover turns them around exactly as
 * the daemon would with the same config.
 */
public final class InProcessMonitor implements FailoverMonitor {
    private final Monitor monitor;
    private final FileSync files;

    /** @param configFile the drill's config: the alerts' commands name it, as {@code vakt run}'s do */
    public InProcessMonitor(VaktConfig config, Path configFile, Journal journal, Clock clock, AlertSink alerts,
            TrafficSwitch traffic, FileSync files, Consumer<String> out) {
        this.files = files;
        this.monitor = new FailoverWatch(config, configFile, journal, clock, alerts, traffic, files.director(), out).monitor();
    }

    @Override
    public String describe() {
        return "Vakt's monitor, run by the drill in this process (as vakt run would, automatic failover)";
    }

    @Override
    public void start(Duration max) throws InterruptedException {
        files.start();
        monitor.start();
        Instant deadline = Instant.now().plus(max);
        // The first ticks read the roles and probe; HEALTHY comes after one good probe of both nodes.
        while (monitor.health() != PrimaryHealth.HEALTHY) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the monitor did not see a healthy primary within " + max.toSeconds()
                        + " s (it says " + monitor.health() + ")");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        monitor.close();
        files.close();
    }
}
