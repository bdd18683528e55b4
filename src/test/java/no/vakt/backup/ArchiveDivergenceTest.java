package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failover that lost transactions, on a real pair: the standby stops replicating, the primary writes two orders
 * the archive takes, then the standby is promoted and writes its own. The archive says it diverged, follows the
 * new primary from what it had applied, and a restore to the latest point is the new primary's history: its
 * orders, not the lost ones. And a stream's private spool goes with it.
 */
class ArchiveDivergenceTest {
    private static final String HOST = "127.0.64.13";
    private static BackupLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new BackupLab("127.0.64.11", "127.0.64.12");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    void theArchiveFollowsTheNewPrimarysHistoryAfterAFailoverThatLostTransactions() throws Exception {
        ReplicationFixture.start(lab.pair);
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'kept')");
        lab.take();
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        List<ArchiveStatus> told = new ArrayList<>();
        try (ContinuousArchive archive = new ContinuousArchive(lab.repository, inspector, Clock.systemUTC(), Duration.ofMinutes(5), told::add)) {
            TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (2, 'kept')");
            await("bergen has order 2").atMost(Duration.ofSeconds(15)).until(() -> one(lab.pair.standby, "SELECT COUNT(*) FROM shop.orders").equals("2"));
            TestPair.sql(lab.pair.standby, "STOP SLAVE");
            TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'lost')", "INSERT INTO shop.orders VALUES (4, 'lost')");
            archiveUpTo(archive, lab.config.primary(), lab.pair.primary);

            // The failover: bergen is promoted without orders 3 and 4 and takes new ones.
            String applied = one(lab.pair.standby, "SELECT @@gtid_slave_pos");
            TestPair.sql(lab.pair.primary, "SET GLOBAL read_only = ON");
            TestPair.sql(lab.pair.standby, "RESET SLAVE ALL", "SET GLOBAL read_only = OFF",
                    "INSERT INTO shop.orders VALUES (5, 'new')", "INSERT INTO shop.orders VALUES (6, 'new')");
            Node bergen = lab.config.standby();
            ArchiveStatus s = archive.tick(bergen, bergen.mysql().secret().resolve());
            assertThat(s.state()).isEqualTo(ArchiveStatus.State.DIVERGED);
            assertThat(s.detail()).contains("the new primary bergen-db lacks", "the failover lost them", "from GTID " + applied);
            assertThat(told).singleElement().extracting(ArchiveStatus::state).isEqualTo(ArchiveStatus.State.DIVERGED);
            assertThat(BackupKeeper.alert("shop", told.get(0)).kind()).isEqualTo(no.vakt.alert.AlertKind.BACKUP_ARCHIVE_DIVERGED);
            archiveUpTo(archive, bergen, lab.pair.standby);
            assertThat(archive.status().state()).as("restores stay whole: not broken").isEqualTo(ArchiveStatus.State.STREAMING);
        }
        ArchiveTimeline timeline = ArchiveTimeline.read(lab.repository).orElseThrow();
        assertThat(timeline.segments()).containsExactly(new ArchiveTimeline.Segment("oslo-db", ""), new ArchiveTimeline.Segment("bergen-db",
                one(lab.pair.standby, "SELECT @@gtid_slave_pos")));
        assertThat(timeline.problem()).isEmpty();
        assertThat(lab.restore(HOST, "r1").rows("SELECT CONCAT(id, ':', item) FROM shop.orders ORDER BY id"))
                .as("the new primary's history").containsExactly("1:kept", "2:kept", "5:new", "6:new");
    }

    @Test
    void aStreamRolledOverByItsDeadlineLeavesNoSpoolBehind() throws Exception {
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        Node primary = BackupSource.livePrimary(inspector.inspect(lab.config.primary()), inspector.inspect(lab.config.standby())).node();
        Set<Path> before = spools();
        Set<Path> seen = new HashSet<>();
        LocalRepository repo = new LocalRepository(lab.pair.dir.resolve("rollover-repo"));
        try (ContinuousArchive archive = new ContinuousArchive(repo, inspector, Clock.systemUTC(), Duration.ofSeconds(1), s -> {})) {
            await("two streams rolled over by their 1 s deadline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                archive.tick(primary, primary.mysql().secret().resolve());
                Set<Path> now = spools();
                now.removeAll(before);
                assertThat(now).as("one spool at a time").hasSizeLessThanOrEqualTo(1);
                seen.addAll(now);
                return seen.size() >= 3;
            });
        }
        Set<Path> after = spools();
        after.removeAll(before);
        assertThat(after).as("closed: no spool left").isEmpty();
    }

    private static Set<Path> spools() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("vakt-binlog-spool-")).collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static void archiveUpTo(ContinuousArchive archive, Node node, MariaDbServer server) throws Exception {
        String at = one(server, "SELECT @@gtid_binlog_pos");
        await("archived up to " + at + " from " + node.name()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                GtidPosition.parse(archive.tick(node, node.mysql().secret().resolve()).coveredGtid()).contains(GtidPosition.parse(at)));
    }

    private static String one(MariaDbServer s, String sql) throws Exception {
        try (Connection c = s.rootConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
