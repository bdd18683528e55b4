package no.vakt.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.drill.DnsServiceResolver;
import no.vakt.drill.DrillAccount;
import no.vakt.drill.LivePrimaryResolver;
import no.vakt.drill.LoadWriter;
import no.vakt.drill.ServiceResolver;
import no.vakt.lab.LabSite;

/**
 * The shop during a fault: sequenced inserts through the service name (the drill's writer, resolving the
 * name on every new connection, as an application does) and one upload every {@link #UPLOAD_PERIOD} into
 * the uploads directory of the site its last write went to, as the web server there would store it.
 */
final class Application implements AutoCloseable {
    /** Five uploads a second: enough to catch a file lost in a failover, few enough to count by name. */
    static final Duration UPLOAD_PERIOD = Duration.ofMillis(200);
    static final int WRITES_PER_SECOND = 20;
    /** Three write periods: a page that stored an upload also managed a write this recently. */
    private static final Duration RECENT = Duration.ofMillis(150);

    private final FaultLab lab;
    private final LoadWriter writer;
    private final String runId;
    private final List<String> uploads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread uploader;

    private Application(FaultLab lab, LoadWriter writer, String runId) {
        this.lab = lab;
        this.writer = writer;
        this.runId = runId;
        this.uploader = new Thread(this::uploadLoop, "fault-matrix-uploads");
        uploader.setDaemon(true);
    }

    static Application start(FaultLab lab, String runId) throws SQLException {
        VaktConfig cfg = lab.cfg();
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
        DrillAccount account;
        try (DbSession primary = inspector.open(cfg.primary()); DbSession standby = inspector.open(cfg.standby())) {
            account = DrillAccount.prepare(primary);
            if (!DrillAccount.awaitOnStandby(primary, standby, Duration.ofSeconds(10))) {
                throw new IllegalStateException("the drill table did not reach the standby within 10 s");
            }
        }
        ServiceResolver resolver = cfg.drills().service() != null
                ? new DnsServiceResolver(cfg.drills().service(), Duration.ofMillis(500))
                : new LivePrimaryResolver(cfg, new NodeInspector(Duration.ofMillis(500)));
        LoadWriter writer = new LoadWriter(resolver, account, runId, WRITES_PER_SECOND, Duration.ofMillis(1000),
                Clock.systemUTC(), cfg.drills().loadSourceAddress()).start();
        Application app = new Application(lab, writer, runId);
        app.uploader.start();
        return app;
    }

    List<LoadWriter.Ack> acks() {
        return writer.acks();
    }

    synchronized List<String> uploads() {
        return List.copyOf(uploads);
    }

    /**
     * The site the newest acknowledged write went to, if that write is recent: where the shop serves now.
     * While no write succeeds, no upload succeeds either (the page that takes it needs the database).
     */
    LabSite servingSite() {
        List<LoadWriter.Ack> acks = writer.acks();
        if (acks.isEmpty()) return null;
        if (acks.get(acks.size() - 1).at().isBefore(Instant.now().minus(RECENT))) return null;
        String address = acks.get(acks.size() - 1).address();
        return lab.siteOfHost(address.substring(0, address.lastIndexOf(':')));
    }

    /** From {@code faultAt} to the first acknowledged write on another site than {@code before}. */
    Long msToFirstWriteElsewhere(Instant faultAt, LabSite before) {
        for (LoadWriter.Ack a : writer.acks()) {
            if (a.at().isBefore(faultAt)) continue;
            LabSite s = lab.siteOfHost(a.address().substring(0, a.address().lastIndexOf(':')));
            if (s != before) return Duration.between(faultAt, a.at()).toMillis();
        }
        return null;
    }

    /** The longest time without an acknowledged write after {@code from}, up to {@code until}. */
    long longestGapAfter(Instant from, Instant until) {
        Instant last = from;
        long gap = 0;
        for (LoadWriter.Ack a : writer.acks()) {
            if (a.at().isBefore(from)) continue;
            gap = Math.max(gap, Duration.between(last, a.at()).toMillis());
            last = a.at();
        }
        return Math.max(gap, Duration.between(last, until).toMillis());
    }

    /** Acknowledged sequence numbers missing on {@code site} (read over its socket). */
    long ackedMissingOn(LabSite site) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection c = lab.socketConnection(site, Duration.ofSeconds(10)); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT seq FROM " + DrillAccount.TABLE + " WHERE drill_id = '" + runId + "'")) {
            while (r.next()) present.add(r.getLong(1));
        }
        return writer.acks().stream().filter(a -> !present.contains(a.seq())).count();
    }

    /** Uploads missing on either site, each counted once (one lost from both sites is one upload lost). */
    long uploadsMissing() {
        return uploads().stream().filter(name -> java.util.Arrays.stream(LabSite.values())
                .anyMatch(site -> !Files.exists(lab.uploads(site).resolve(name)))).count();
    }

    /** An upload the row makes itself (a large one, say), counted like the shop's own. */
    void upload(LabSite site, String name, byte[] content) throws IOException {
        Files.write(lab.uploads(site).resolve(name), content);
        synchronized (this) {
            uploads.add(name);
        }
    }

    private void uploadLoop() {
        int n = 0;
        while (running.get()) {
            LabSite site = servingSite();
            if (site != null) {
                String name = runId + "-" + (++n) + ".jpg";
                Path file = lab.uploads(site).resolve(name);
                try {
                    Files.write(file, ("upload " + n + " of " + runId + "\n").repeat(32).getBytes());
                    synchronized (this) {
                        uploads.add(name);
                    }
                } catch (IOException e) {
                    // the site's disk is the fault under test: this upload failed for the user too
                }
            }
            try {
                Thread.sleep(UPLOAD_PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops writing and uploading; what was acknowledged stays readable. */
    void stop() {
        running.set(false);
        writer.close();
        try {
            uploader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
