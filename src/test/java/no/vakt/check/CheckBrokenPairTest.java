package no.vakt.check;

import static no.vakt.check.CheckTestSupport.check;
import static org.assertj.core.api.Assertions.assertThat;

import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** Misconfigurations that need a restart or cannot be undone: a fresh pair each. */
class CheckBrokenPairTest {
    private static final String PRIMARY = "oslo-db";
    private static final String STANDBY = "bergen-db";
    private static final String SHORT_CANARY = "--canary-timeout=300ms";

    @Test
    void unreachableStandbyIsNotReadyButThePrimaryIsStillChecked() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.standby.stop();

            var r = check(pair.configFile, "--timeout=1s");

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.ready()).isFalse();
            r.assertProblem("reachable", STANDBY, Severity.ERROR);
            assertThat(r.problem("reachable", STANDBY).get("message").asText())
                    .contains("cannot log in to " + pair.standby.host() + ":" + pair.standby.port());
            // Rules that need only the primary still run; those that need the standby are skipped.
            assertThat(r.findings("log-bin")).singleElement()
                    .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
            assertThat(r.findings("replica-io-thread")).isEmpty();
            r.assertProblem("canary", null, Severity.INFO);
        }
    }

    @Test
    void primaryWithoutBinaryLog() throws Exception {
        try (TestPair pair = TestPair.builder().primaryOption("log-bin", null).start()) {
            ReplicationFixture.configure(pair); // the IO thread cannot run against a primary without a binlog

            var r = check(pair.configFile, SHORT_CANARY);

            r.assertProblem("log-bin", PRIMARY, Severity.ERROR);
            assertThat(r.problem("log-bin", PRIMARY).get("fix").asText()).contains("log-bin = mysql-bin");
            assertThat(r.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void standbyWithoutBinaryLogCannotServeTheWayBack() throws Exception {
        try (TestPair pair = TestPair.builder().standbyOption("log-bin", null).start()) {
            ReplicationFixture.start(pair);

            var r = check(pair.configFile);

            r.assertProblem("standby-log-bin", STANDBY, Severity.ERROR);
            assertThat(r.problem("standby-log-bin", STANDBY).get("message").asText()).contains("way back");
            assertThat(r.findings("canary").get(0).get("severity").asText()).isEqualTo("OK");
            assertThat(r.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void nameResolutionOnTheStandby() throws Exception {
        try (TestPair pair = TestPair.builder().standbyOption("skip-name-resolve", null).start()) {
            ReplicationFixture.start(pair);

            var r = check(pair.configFile);

            r.assertProblem("skip-name-resolve", STANDBY, Severity.WARNING);
            assertThat(r.findings("skip-name-resolve")).hasSize(1);
            assertThat(r.exitCode()).as(r.raw()).isZero();
        }
    }

    @Test
    void binlogDoDbOnThePrimaryLeavesVaktOut() throws Exception {
        try (TestPair pair = TestPair.builder().primaryOption("binlog-do-db", "shop").start()) {
            ReplicationFixture.start(pair);

            var r = check(pair.configFile, SHORT_CANARY);

            r.assertProblem("binlog-filter", PRIMARY, Severity.ERROR);
            assertThat(r.problem("binlog-filter", PRIMARY).get("message").asText())
                    .contains("binlog_do_db = shop", "never reach the binary log", "leaves out vakt");
            r.assertProblem("canary", STANDBY, Severity.ERROR);
            assertThat(r.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void errantTransactionOnTheStandby() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            ReplicationFixture.awaitCaughtUp(pair);
            String primaryPos = ReplicationFixture.variable(pair.primary, "gtid_binlog_pos");
            // Someone writes on the standby, with the binary log on, as if read_only had been off.
            TestPair.sql(pair.standby, "SET GLOBAL read_only = OFF", "CREATE DATABASE written_on_the_standby",
                    "SET GLOBAL read_only = ON");
            String standbyPos = ReplicationFixture.variable(pair.standby, "gtid_current_pos");
            assertThat(standbyPos).contains("0-2-");

            var r = check(pair.configFile, "--no-canary");

            r.assertProblem("gtid-errant", STANDBY, Severity.ERROR);
            assertThat(r.problem("gtid-errant", STANDBY).get("message").asText())
                    .contains(standbyPos, "standby gtid_current_pos '" + standbyPos + "'",
                            "primary gtid_binlog_pos '" + primaryPos + "'");
            assertThat(r.exitCode()).isEqualTo(1);
        }
    }
}
