package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.Sleeper;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mistake replication cannot undo: rows written, the table dropped, more written after. A restore of
 * the base backup plus the binlog archive to just before the DROP brings the table back with every row.
 */
class RestoreTest {
    private static BackupLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new BackupLab("127.0.190.3", "127.0.190.4");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    void restoreBeforeADropTableBringsBackTheTableWithEveryRowWrittenBeforeIt() throws Exception {
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");
        Manifest base = lab.take();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'plum')", "INSERT INTO shop.orders VALUES (4, 'fig')",
                "UPDATE shop.orders SET item = 'kiwi' WHERE id = 1");
        Node primary = lab.config.primary();
        String password = primary.mysql().secret().resolve();
        BinlogArchive archive = new BinlogArchive(lab.repository, new NodeInspector(Duration.ofSeconds(5)), Clock.systemUTC(),
                Duration.ofSeconds(30));
        archive.sync(primary, password);
        TestPair.sql(lab.pair.primary, "USE shop", "DROP TABLE orders", "CREATE TABLE shop.after_drop (id INT PRIMARY KEY)");
        BinlogArchive.Synced last = archive.sync(primary, password);
        assertThat(last.gtidCovered()).isEqualTo("0-1-8");
        assertThat(ArchiveLag.of(last, last.coveredAt().plusMillis(300)).lag()).isEqualTo(Duration.ofMillis(300));

        ScratchServer scratch = new ScratchServer(lab.pair.dir.resolve("r1"), Clock.systemUTC(), Sleeper.REAL);
        ScratchServer.prepareHome(lab.pair.dir.resolve("r1"));
        Restore.Outcome out = new Restore(lab.repository, Duration.ofSeconds(60))
                .run(base, primary.name(), new RestoreTarget.Before("DROP TABLE orders"), scratch);

        assertThat(out.leftOut()).hasValueSatisfying(c -> {
            assertThat(c.gtid()).isEqualTo("0-1-7");
            assertThat(c.matched()).contains("DROP TABLE", "orders");
        });
        String host = "127.0.190.5";
        scratch.startServing(host, Loopback.freePort(host), Duration.ofSeconds(30));
        try (Connection c = scratch.connect()) {
            assertThat(rows(c, "SELECT CONCAT(id, ':', item) FROM shop.orders ORDER BY id"))
                    .containsExactly("1:kiwi", "2:pear", "3:plum", "4:fig");
            assertThat(rows(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'after_drop'")).containsExactly("0");
        } finally {
            scratch.stop(Duration.ofSeconds(30));
        }
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet r = c.createStatement().executeQuery(sql)) {
            while (r.next()) out.add(r.getString(1));
        }
        return out;
    }
}
