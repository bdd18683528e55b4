package no.vakt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.GtidPosition;
import org.junit.jupiter.api.Test;

/** The pure helpers of the bootstrap: GTID histories, password hashes, option files, dump scanning. */
class SmallPartsTest {
    @Test
    void gtidHistoryFindsOriginsTheReferenceNeverSaw() {
        GtidHistory primary = GtidHistory.parse("0-1-100,0-2-7");
        assertThat(GtidHistory.parse("0-2-7,0-1-50").unknownTo(primary)).isEmpty();
        assertThat(GtidHistory.parse("0-2-8").unknownTo(primary)).containsExactly(new GtidPosition.Gtid(0, 2, 8));
        assertThat(GtidHistory.parse("0-3-1", "1-1-5").unknownTo(primary))
                .containsExactly(new GtidPosition.Gtid(0, 3, 1), new GtidPosition.Gtid(1, 1, 5));
        assertThat(GtidHistory.parse("", null).isEmpty()).isTrue();
        assertThatThrownBy(() -> GtidHistory.parse("0-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nativePasswordHashMatchesTheServers() {
        // SELECT PASSWORD('pw') on MariaDB 10.11.
        assertThat(NativePassword.hash("pw")).isEqualTo("*D821809F681A40A6E379B50D0463EFAE20BDD122");
    }

    @Test
    void onlyASingleGlobalReplicationSlaveGrantCounts() {
        String base = "GRANT REPLICATION SLAVE ON *.* TO `repl`@`127.0.0.1` IDENTIFIED BY PASSWORD '*AB'";
        assertThat(AccountReader.onlyReplicationSlave(List.of(base))).isTrue();
        assertThat(AccountReader.onlyReplicationSlave(List.of(base + " WITH GRANT OPTION"))).isFalse();
        assertThat(AccountReader.onlyReplicationSlave(List.of(base.replace("REPLICATION SLAVE", "SELECT, REPLICATION SLAVE"))))
                .isFalse();
        assertThat(AccountReader.onlyReplicationSlave(List.of(base, "GRANT SELECT ON `shop`.* TO `repl`@`127.0.0.1`"))).isFalse();
    }

    @Test
    void optionFileIsPrivateQuotedAndDeleted() throws Exception {
        Path file;
        try (ClientDefaultsFile f = ClientDefaultsFile.write("vakt", "a\"b\\c' #;d")) {
            file = f.path();
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(file)).isEqualTo("[client]\nuser=\"vakt\"\npassword=\"a\\\"b\\\\c' #;d\"\n");
            assertThat(f.argument()).isEqualTo("--defaults-extra-file=" + file).doesNotContain("a\"b");
        }
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> ClientDefaultsFile.write("vakt", "two\nlines")).hasMessageContaining("line break");
    }

    @Test
    void scannerFindsTheGtidCommentAcrossChunksAndIgnoresData() {
        String dump = "-- MariaDB dump\n-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n"
                + "INSERT INTO t VALUES ('-- SET GLOBAL gtid_slave_pos=''9-9-9'';'," + "x".repeat(5000) + ");\n"
                + "-- SET GLOBAL gtid_slave_pos='0-1-42,1-3-7';\n/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;";
        byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);
        DumpPositionScanner scanner = new DumpPositionScanner();
        for (int i = 0; i < bytes.length; i += 7) scanner.accept(bytes, i, Math.min(7, bytes.length - i));
        scanner.finish();
        assertThat(scanner.position()).contains("0-1-42,1-3-7");
        assertThat(scanner.sawUseGtid()).isTrue();
        assertThat(new DumpPositionScanner().position()).isEmpty();
    }

    @Test
    void semiSyncStateReadsFallback() {
        SemiSyncState fellBack = SemiSyncState.of(
                Map.of("rpl_semi_sync_master_enabled", "ON", "rpl_semi_sync_master_timeout", "1000"),
                Map.of("rpl_semi_sync_master_status", "OFF", "rpl_semi_sync_master_no_tx", "3"));
        assertThat(fellBack.fellBackToAsync()).isTrue();
        assertThat(fellBack.describeMaster()).contains("FELL BACK").contains("3 commits without ack");
        SemiSyncState on = SemiSyncState.of(Map.of("rpl_semi_sync_master_enabled", "ON"),
                Map.of("rpl_semi_sync_master_status", "ON", "rpl_semi_sync_master_clients", "1"));
        assertThat(on.active()).isTrue();
        assertThat(on.fellBackToAsync()).isFalse();
        assertThat(SemiSyncState.of(Map.of(), Map.of()).fellBackToAsync()).isFalse();
    }

    @Test
    void changeMasterCarriesTlsAndHidesThePasswordInItsDescription() {
        var cfg = BootstrapPlannerTest.config(true);
        String sql = ChangeMaster.sql(cfg.primary(), cfg.replication(), "s3cret");
        assertThat(sql).contains("MASTER_HOST='127.0.0.10'", "MASTER_PORT=3310", "MASTER_USE_GTID=slave_pos",
                "MASTER_CONNECT_RETRY=1", "MASTER_HEARTBEAT_PERIOD=0.25", "MASTER_SSL=1", "MASTER_SSL_CA='/s/ca.pem'",
                "MASTER_SSL_VERIFY_SERVER_CERT=1", "MASTER_PASSWORD='s3cret'");
        assertThat(ChangeMaster.describe(cfg.primary(), cfg.replication())).doesNotContain("***");
        var plain = BootstrapPlannerTest.config(false);
        assertThat(ChangeMaster.sql(plain.primary(), plain.replication(), "x")).contains("MASTER_SSL=0");
    }
}
