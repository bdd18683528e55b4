package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.cluster.GtidPosition;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The continuous archive on a real pair: streamed while a writer writes (the lag printed), kept across a
 * switchover from the last archived GTID, a restore drill passing across the seam while it streams, restored from
 * the stitched archive with every row and no GTID gap; then a purge before archiving is reported as a gap.
 */
class ArchiveFollowTest {
    private static final String HOST = "127.0.64.3";
    private static BackupLab lab;
    private static int lastOnOslo;

    @BeforeAll
    static void start() throws Exception {
        lab = new BackupLab("127.0.64.1", "127.0.64.2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    void streamsFollowsASwitchoverAndRestoresEveryRowAcrossTheSeamThenReportsAPurgeGap() throws Exception {
        ReplicationFixture.start(lab.pair);
        TestPair.sql(lab.pair.primary, "CREATE DATABASE IF NOT EXISTS shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple')");
        Manifest base = lab.take();
        assertThat(base.sourceRole()).isEqualTo("standby");

        // vakt run keeps the archive (the single monitor has authority while it holds the journal's lock).
        lab.pair.rewriteConfig(y -> y + "server:\n  listen: 127.0.64.1:" + Loopback.freePort("127.0.64.1") + "\n");
        Cli run = Cli.run("run", "-c", lab.pair.configFile.toString(), "--duration", "5s");
        assertThat(run.out()).as(run.out() + run.err()).contains("backup: archiving the live primary's binlogs into",
                "backup: archive streaming from oslo-db");
        assertThat(ArchiveTimeline.read(lab.repository).orElseThrow().segments()).extracting(ArchiveTimeline.Segment::node)
                .containsExactly("oslo-db");
        lab.repository.delete(ArchiveTimeline.KEY);
        for (String f : lab.repository.list(BinlogArchive.prefix("oslo-db"))) lab.repository.delete(f);

        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        // vakt run's keeper archives only while its agent may act.
        AtomicBoolean leads = new AtomicBoolean();
        List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BackupKeeper keeper = BackupKeeper.startFor(lab.config, lab.repository, () -> lab.config.primary(), leads::get,
                alert -> {}, Clock.systemUTC(), said::add).orElseThrow()) {
            // Two rounds and more: it does nothing while it does not lead.
            await("the keeper stays idle while it does not lead").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> keeper.archiveStatus().state() == ArchiveStatus.State.IDLE && lab.repository.list("binlog").isEmpty());
            leads.set(true);
            String at = gtid(lab.pair.primary);
            await("the leader's keeper archives up to " + at).atMost(Duration.ofSeconds(30)).until(() ->
                    keeper.archiveStatus().state() == ArchiveStatus.State.STREAMING
                            && GtidPosition.parse(keeper.archiveStatus().coveredGtid()).contains(GtidPosition.parse(at)));
        }
        assertThat(said).anyMatch(l -> l.startsWith("backup: archive streaming from oslo-db"));
        List<ArchiveStatus> broken = new ArrayList<>();
        AtomicInteger id = new AtomicInteger(1);
        try (ContinuousArchive archive = new ContinuousArchive(lab.repository, inspector, Clock.systemUTC(), Duration.ofMinutes(5), broken::add)) {
            List<Duration> lags = keepArchivingWhileWriting(archive, inspector, lab.pair.primary, id, Duration.ofSeconds(4));
            System.out.println("archive lag while writing, per 200 ms round (" + lags.size() + " rounds): max "
                    + lags.stream().max(Duration::compareTo).orElseThrow().toMillis() + " ms, median "
                    + lags.stream().sorted().toList().get(lags.size() / 2).toMillis() + " ms; load " + loadAverage());
            assertThat(archive.status().state()).isEqualTo(ArchiveStatus.State.STREAMING);
            assertThat(archive.status().node()).isEqualTo("oslo-db");
            lastOnOslo = id.get();

            Cli switchover = Cli.run("switchover", "--config", lab.pair.configFile.toString());
            assertThat(switchover.exitCode()).as(switchover.out() + switchover.err()).isZero();
            keepArchivingWhileWriting(archive, inspector, lab.pair.standby, id, Duration.ofSeconds(2));
            // A restore drill while the archive streams and the writer writes: the restore replays across the seam, and
            // the drill waits for the stream to archive the standby's held GTID instead of writing into its files.
            String cfg = lab.pair.rewriteConfig(t -> t.replace("rpo: 1s", "rpo: 1h")).toString();
            CompletableFuture<Cli> drilling = CompletableFuture.supplyAsync(() -> Cli.run("drill", "--restore", "-c", cfg,
                    "--journal", lab.pair.dir.resolve("drill-journal.db").toString(), "--report", lab.pair.dir.resolve("rd").toString()));
            long t0 = System.nanoTime();
            keepArchivingWhileWriting(archive, inspector, lab.pair.standby, id, drilling::isDone);
            Cli drill = drilling.get();
            System.out.println("restore drill while streaming: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
            assertThat(drill.out()).contains("the stitched archive (binlog-timeline.json)", "(restore): PASSED", "tables equal to oslo-db at GTID");
            assertThat(lab.pair.dir.resolve("rd/report.md")).content().contains("for the streamed archive to reach")
                    .doesNotContain("one archive round");
            String newPrimaryAt = gtid(lab.pair.standby);
            assertThat(archive.status().node()).isEqualTo("bergen-db");
            assertThat(GtidPosition.parse(archive.status().coveredGtid()).contains(GtidPosition.parse(newPrimaryAt)))
                    .as("archived up to the new primary's position " + newPrimaryAt).isTrue();
            assertThat(broken).isEmpty();
        }
        ArchiveTimeline timeline = ArchiveTimeline.read(lab.repository).orElseThrow();
        assertThat(timeline.segments()).extracting(ArchiveTimeline.Segment::node).containsExactly("oslo-db", "bergen-db");

        List<String> expected = ids(1, id.get());
        assertThat(restore("r1").rows("SELECT id FROM shop.orders ORDER BY id")).as("every row, across the seam").isEqualTo(expected);
        String seam = timeline.segments().get(1).after();
        System.out.println("seam " + seam + ", rows " + expected.size());
        assertThat(restore("r2", "--to-gtid", seam).rows("SELECT id FROM shop.orders ORDER BY id"))
                .as("to the seam: the old primary's rows only").isEqualTo(ids(1, lastOnOslo));

        // A purge before the archive saw it: the binlogs are flushed and purged with the archive stopped.
        // The server keeps the files its binlog checkpoint still needs: flushed and purged until only the newest is left.
        TestPair.sql(lab.pair.standby, "INSERT INTO shop.orders VALUES (" + id.incrementAndGet() + ", 'lost')");
        await("all but the newest binlog purged").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            TestPair.sql(lab.pair.standby, "FLUSH BINARY LOGS");
            TestPair.sql(lab.pair.standby, "PURGE BINARY LOGS TO '" + one(lab.pair.standby, "SHOW MASTER STATUS") + "'");
            return rows(lab.pair.standby, "SHOW BINARY LOGS") == 1;
        });
        try (ContinuousArchive archive = new ContinuousArchive(lab.repository, inspector, Clock.systemUTC(), Duration.ofMinutes(5), broken::add)) {
            Node primary = lab.config.standby();
            ArchiveStatus s = archive.tick(primary, primary.mysql().secret().resolve());
            assertThat(s.state()).isEqualTo(ArchiveStatus.State.GAP);
            assertThat(s.detail()).contains("purged before they were archived");
            assertThat(broken).singleElement().extracting(ArchiveStatus::state).isEqualTo(ArchiveStatus.State.GAP);
        }
        // The gap is in the repository: vakt check and vakt status say it; no restore was drilled (no journal).
        Cli check = Cli.run("check", "-c", lab.pair.configFile.toString(), "--no-canary", "--json");
        assertThat(check.out()).contains("\"backup-archive\"", "the binlog archive is broken since", "\"restore-drill\"",
                "no restore was ever drilled");
        Cli status = Cli.run("status", "-c", lab.pair.configFile.toString());
        assertThat(status.out()).contains("Binlog archive: broken from bergen-db", "WARNING: binlog archive broken: bergen-db's oldest binlog");
    }

    /** A writer inserts a row every 50 ms while the archive ticks every 200 ms; the lag of each round. */
    private static List<Duration> keepArchivingWhileWriting(ContinuousArchive archive, NodeInspector inspector, MariaDbServer writeTo,
            AtomicInteger id, Duration writing) throws Exception {
        long end = System.nanoTime() + writing.toNanos();
        return keepArchivingWhileWriting(archive, inspector, writeTo, id, () -> System.nanoTime() >= end);
    }

    /** As above, until {@code done}. */
    private static List<Duration> keepArchivingWhileWriting(ContinuousArchive archive, NodeInspector inspector, MariaDbServer writeTo,
            AtomicInteger id, BooleanSupplier done) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                TestPair.sql(writeTo, "INSERT INTO shop.orders VALUES (" + id.incrementAndGet() + ", 'w')");
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<Duration> lags = new ArrayList<>();
        writer.start();
        try {
            while (!done.getAsBoolean()) {
                tick(archive, inspector);
                if (archive.status().coveredAt() != null) lags.add(archive.status().lag(Clock.systemUTC().instant()).lag());
                Thread.sleep(200);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        String at = gtid(writeTo);
        await("the archive catches up with " + at).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> GtidPosition.parse(tick(archive, inspector).coveredGtid()).contains(GtidPosition.parse(at)));
        return lags;
    }

    private static ArchiveStatus tick(ContinuousArchive archive, NodeInspector inspector) throws Exception {
        NodeState primary = BackupSource.livePrimary(inspector.inspect(lab.config.primary()), inspector.inspect(lab.config.standby()));
        return archive.tick(primary.node(), primary.node().mysql().secret().resolve());
    }

    private static String gtid(MariaDbServer s) throws Exception {
        return one(s, "SELECT @@gtid_binlog_pos");
    }

    private static String one(MariaDbServer s, String sql) throws Exception {
        try (Connection c = s.rootConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static int rows(MariaDbServer s, String sql) throws Exception {
        int n = 0;
        try (Connection c = s.rootConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            while (r.next()) n++;
        }
        return n;
    }

    private static List<String> ids(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add(Integer.toString(i));
        return out;
    }

    private static String loadAverage() throws Exception {
        return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
    }

    private static BackupLab.Restored restore(String dir, String... target) {
        return lab.restore(HOST, dir, target);
    }
}
