package no.vakt.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.lab.LabSite;

/**
 * Counts, every {@link #PERIOD}, the nodes an application could write to: read_only=OFF (read over the
 * server's socket file, which no iptables rule and no network namespace cuts) and reachable on its SQL
 * port from the application's address. A primary black-holed by the fault is writable but unreachable:
 * it cannot take a write, so it does not count; the moment it becomes reachable again it does.
 */
final class WritableSampler implements AutoCloseable {
    /** Ten samples a second: finer than the monitor's fastest check interval (200 ms) in the matrix. */
    static final Duration PERIOD = Duration.ofMillis(100);
    private static final int TIMEOUT_MS = 300;

    private final FaultLab lab;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger max = new AtomicInteger();
    private int doubleSamples;
    private Instant firstDouble;
    private Instant lastDouble;
    private final Map<LabSite, Connection> connections = new EnumMap<>(LabSite.class);
    private final Thread thread;

    WritableSampler(FaultLab lab) {
        this.lab = lab;
        this.thread = new Thread(this::loop, "fault-matrix-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    int max() {
        return max.get();
    }

    /** When two nodes were writable at once: "N samples from T1 to T2", or empty. */
    synchronized String doubleWritable() {
        if (doubleSamples == 0) return "";
        return doubleSamples + " samples over " + Duration.between(firstDouble, lastDouble).toMillis() + " ms from "
                + firstDouble;
    }

    private void loop() {
        long next = System.nanoTime();
        while (running.get()) {
            int writable = 0;
            for (LabSite site : LabSite.values()) {
                if (readOnlyOff(site) && reachable(site)) {
                    writable++;
                }
            }
            max.accumulateAndGet(writable, Math::max);
            if (writable > 1) {
                synchronized (this) {
                    Instant now = Instant.now();
                    if (doubleSamples++ == 0) firstDouble = now;
                    lastDouble = now;
                }
            }
            next += PERIOD.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private boolean readOnlyOff(LabSite site) {
        try {
            Connection c = connections.get(site);
            if (c == null) {
                c = DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + lab.server(site).socket()
                        + "&connectTimeout=" + TIMEOUT_MS + "&socketTimeout=" + TIMEOUT_MS, "root", "");
                connections.put(site, c);
            }
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT @@GLOBAL.read_only")) {
                return r.next() && r.getInt(1) == 0;
            }
        } catch (SQLException e) {
            close(site);
            return false; // dead, frozen or starting: it takes no write now
        }
    }

    private boolean reachable(LabSite site) {
        try (Socket s = new Socket()) {
            String from = lab.applicationAddress();
            if (from != null) s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress(lab.server(site).host(), lab.server(site).port()), TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void close(LabSite site) {
        Connection c = connections.remove(site);
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // the server is gone
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LabSite site : LabSite.values()) close(site);
    }
}
