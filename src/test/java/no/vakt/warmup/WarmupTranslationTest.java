package no.vakt.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import no.vakt.config.VaktConfig;
import no.vakt.config.WarmupConfig;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The translation on two real servers whose files differ as after a mariadb-dump seed (another tablespace id,
 * rows inserted in the opposite order): what the primary holds hot is read hot on the standby, what it
 * does not hold stays cold there.
 */
class WarmupTranslationTest {
    private static final int ROWS = 40_000;
    private static final String TABLE = "CREATE TABLE shop.product (id INT PRIMARY KEY, category INT NOT NULL,"
            + " descr VARCHAR(400), KEY cat (category)) ENGINE=InnoDB";
    private static final Map<String, String> COLD = Map.of(
            "innodb-buffer-pool-load-at-startup", "OFF", "innodb-buffer-pool-dump-at-shutdown", "OFF");

    @Test
    void theStandbyReadsWhatThePrimaryHoldsAndNothingElse() throws Exception {
        try (TestPair pair = TestPair.builder().hosts("127.0.63.11", "127.0.63.12").databases("shop").start()) {
            pair.primary.rootExecute("CREATE DATABASE shop", TABLE, "INSERT INTO shop.product SELECT seq, seq % 50,"
                    + " REPEAT('x', 300) FROM shop.seq_1_to_" + ROWS);
            // Another tablespace id and the rows in reverse order: the primary's page numbers mean nothing here.
            pair.standby.rootExecute("CREATE DATABASE shop", "CREATE TABLE shop.filler (id INT PRIMARY KEY) ENGINE=InnoDB",
                    TABLE, "INSERT INTO shop.product SELECT seq, seq % 50, REPEAT('x', 300) FROM shop.seq_" + ROWS
                            + "_to_1");
            MariaDbServer primary = pair.restartWith(pair.primary, COLD);
            MariaDbServer standby = pair.restartWith(pair.standby, COLD);
            // What the shop reads, again and again: products 16 001..20 000 (10 % of the catalogue), nothing else.
            // A page turns young (hot) on its second read after innodb_old_blocks_time, here 0 instead of 1 s.
            primary.rootExecute("SET GLOBAL innodb_old_blocks_time = 0");
            count(primary, 16_001, 20_000);
            count(primary, 16_001, 20_000);

            VaktConfig config = pair.config();
            WarmupResult result = new Warmup(WarmupConfig.DEFAULT, Clock.systemUTC(), d -> {})
                    .refresh(config.primary(), config.standby());

            assertThat(result.ranges()).isPositive();
            assertThat(result.warmth()).as("a standby just started holds none of it").isLessThan(0.5);
            long hot = count(standby, 16_001, 20_000);
            long cold = count(standby, 30_001, 34_000);
            assertThat(cold).as("pages of a range the primary does not hold, read from disk").isGreaterThan(50);
            assertThat(hot).as("pages of the primary's hot range read from disk after warming").isLessThan(cold / 10);
            assertThat(result.pagesAsked()).as("the budget spent on the hot range, not the table")
                    .isLessThan(3 * cold);
        }
    }

    /** Reads ids from..to through the primary key; returns the server's physical page reads it caused. */
    private static long count(MariaDbServer server, int from, int to) throws SQLException {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement()) {
            long before = reads(s);
            s.executeQuery("SELECT SUM(LENGTH(descr)) FROM shop.product WHERE id BETWEEN " + from + " AND " + to).close();
            return reads(s) - before;
        }
    }

    private static long reads(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
