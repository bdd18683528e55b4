package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.FileSyncDirections;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.filesync.JournalFileSyncDirector;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;
import no.vakt.lab.BindServer;
import no.vakt.testing.Dig;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.testing.TrafficYaml;
import no.vakt.traffic.TrafficState;
import no.vakt.traffic.TrafficSwitch;
import no.vakt.traffic.TrafficSwitches;
import org.junit.jupiter.api.Test;

/**
 * A crash (simulated as kill -9: an Error out of the step, nothing after it runs or is journaled) right
 * after the promotion, with a traffic switch that cannot succeed (a real BIND that rejects the TSIG key):
 * the restarted runner still turns file sync to the new primary and raises the epoch, and leaves traffic
 * pending instead of stopping. Real servers throughout.
 */
class TrafficPendingRecoveryTest {
    static final String ZONE = "recover.vakt.test.";

    /** Stands in for kill -9 in the middle of HANDOVER, before anything of it happened. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("kill -9");
        }
    }

    private final List<Alert> alerts = new ArrayList<>();

    @Test
    void aCrashAfterThePromotionIsFinishedWithFileSyncAndEpochAndTrafficLeftPending() throws Exception {
        try (TestPair pair = TestPair.start(); Fixture f = new Fixture(pair)) {
            FailoverRecord left = f.crashInHandover();
            assertThat(left.lastRunOf("PROMOTE_STANDBY").orElseThrow().outcome()).isEqualTo(StepOutcome.OK);

            try (Journal journal = f.journal()) {
                FailoverRunner restarted = f.runner(journal, new JournalFileSyncDirector(journal, f.config, null));
                FailoverRunner.Recovery r = restarted.resumeUnfinished().orElseThrow();
                assertThat(r.plan().action()).isEqualTo(RecoveryAction.RESUME_FROM);
                assertThat(r.plan().resumeFrom()).isEqualTo(StepName.HANDOVER);
                assertThat(r.execution().outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(r.execution().trafficPending()).isTrue();
                assertThat(r.record().ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
                assertThat(r.record().label()).isEqualTo("completed, traffic pending");
                assertThat(r.record().lastRunOf("BUMP_EPOCH").orElseThrow().outcome()).isEqualTo(StepOutcome.OK);

                assertThat(journal.currentEpoch()).isEqualTo(1);
                assertThat(FileSyncDirections.current(journal, f.config).source()).isEqualTo("bergen-db");
                assertThat(FileSyncDirections.current(journal, f.config).target()).as("nothing pushed until a rejoin").isNull();
                assertThat(TrafficState.pending(journal, "test")).hasValueSatisfying(p -> {
                    assertThat(p.node()).isEqualTo("bergen-db");
                    assertThat(p.epoch()).isEqualTo(1);
                    assertThat(p.error()).contains("BADSIG");
                });
            }
            assertThat(f.nodeEpoch()).isEqualTo("1 bergen-db");
            assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.TRAFFIC_SWITCH_FAILED).hasSize(1);
            assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.FAILOVER_FINISHED).singleElement()
                    .satisfies(a -> assertThat(a.event()).endsWith("traffic switch pending"));
            assertThat(alerts).noneMatch(a -> a.kind() == AlertKind.FAILOVER_STEP_FAILED || a.kind() == AlertKind.FAILOVER_ABORTED);
            assertThat(Dig.query("127.0.0.1", f.bind.port(), "app." + ZONE, "A")).containsExactly(pair.primary.host());
        }
    }

    @Test
    void aPromotedTargetThatNoLongerAnswersStillGetsFileSyncAndTheJournalsEpoch() throws Exception {
        try (TestPair pair = TestPair.start(); Fixture f = new Fixture(pair)) {
            f.crashInHandover();
            pair.standby.kill();

            try (Journal journal = f.journal()) {
                FailoverRunner restarted = f.runner(journal, new JournalFileSyncDirector(journal, f.config, null));
                FailoverRunner.Recovery r = restarted.resumeUnfinished().orElseThrow();
                assertThat(r.plan().action()).as(r.plan().reason()).isEqualTo(RecoveryAction.RESUME_FROM);
                assertThat(r.plan().reason()).contains("its promotion had finished");
                assertThat(r.execution().outcome()).isEqualTo(FailoverOutcome.ABORTED);
                assertThat(r.execution().promoted()).isTrue();
                assertThat(r.execution().stoppedAt()).isEqualTo(StepName.BUMP_EPOCH);
                assertThat(journal.currentEpoch()).as("the fencing token moved in the journal").isEqualTo(1);
                assertThat(journal.epochHolder()).contains("bergen-db");
                assertThat(FileSyncDirections.current(journal, f.config).source()).isEqualTo("bergen-db");
            }
            assertThat(alerts).filteredOn(a -> a.kind() == AlertKind.FAILOVER_STEP_FAILED).singleElement().satisfies(a -> {
                assertThat(a.event()).isEqualTo("failover 1: bergen-db is promoted, but BUMP_EPOCH failed");
                assertThat(a.action()).contains("vakt rejoin oslo-db --config ");
            });
        }
    }

    /** A replicating pair, a BIND that rejects the configured key, and file sync directories (journal only). */
    private final class Fixture implements AutoCloseable {
        final TestPair pair;
        final BindServer bind;
        final VaktConfig config;
        final Path journalFile;

        Fixture(TestPair pair) throws Exception {
            this.pair = pair;
            ReplicationFixture.start(pair);
            bind = new BindServer(pair.dir.resolve("bind"), "127.0.0.1", Dig.freePort("127.0.0.1"), ZONE, "vakt-rec");
            bind.start(Map.of("app", pair.primary.host()), 5);
            BindServer.generateKey(pair.dir.resolve("wrong.key"), "vakt-rec");
            pair.rewriteConfig(s -> TrafficYaml.rfc2136(s, ZONE, bind.port(), "wrong.key", "verify-timeout: 3s")
                    .replace("files: {}\n", "files:\n  directories:\n    - path: oslo/uploads\n      target: bergen/uploads\n"));
            config = pair.config();
            journalFile = pair.dir.resolve(".vakt/journal.db");
        }

        Journal journal() {
            return new Journal(journalFile, Clock.systemUTC());
        }

        FailoverRunner runner(Journal journal, FileSyncDirector files) {
            TrafficSwitch traffic = TrafficSwitches.fromConfig(config, journal, alerts::add, Clock.systemUTC(), pair.configFile);
            return new FailoverRunner(config, journal, Clock.systemUTC(), alerts::add, traffic, files,
                    OperatorCommands.of(pair.configFile, journal.file()));
        }

        /** An operator's promotion of bergen-db that dies as HANDOVER begins. */
        FailoverRecord crashInHandover() {
            try (Journal journal = journal()) {
                FailoverRunner runner = runner(journal, (cluster, node, epoch) -> {
                    throw new SimulatedCrash();
                });
                assertThatThrownBy(() -> runner.run(FailoverRunner.Request.operator(true, true)))
                        .isInstanceOf(SimulatedCrash.class);
                return journal.unfinishedFailover().orElseThrow();
            }
        }

        String nodeEpoch() throws Exception {
            try (Connection c = pair.standby.rootConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT CONCAT(epoch, ' ', primary_node) FROM vakt.cluster")) {
                rs.next();
                return rs.getString(1);
            }
        }

        @Override
        public void close() throws Exception {
            bind.destroy();
        }
    }
}
