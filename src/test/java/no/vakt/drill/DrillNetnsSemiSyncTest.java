package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import no.vakt.db.NodeInspector;
import no.vakt.db.ReplicaStatus;
import no.vakt.lab.LabNetns;
import no.vakt.lab.MariaDbServer;
import no.vakt.roles.LiveRole;
import no.vakt.testing.Cli;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A network black hole with semi-sync on (`vakt lab up --netns --semi-sync`, root only), at the lab's
 * default check settings. It aborted at PROMOTE_STANDBY ("Socket timout error": STOP SLAVE waited for the
 * IO thread stuck on the dead link), then the detector gave up (DOWN -> UNKNOWN) and the site stayed down,
 * and the restore left the standby's replication stopped. {@link DrillNetnsTest} covers the other network
 * faults with semi-sync off.
 */
class DrillNetnsSemiSyncTest {
    private static final String PREFIX = "vkd-s-";
    private static final int OCTET = 201;

    @Test
    void blockPortsWithSemiSyncFailsOverAndTheRestoreLeavesReplicationRunning() throws Exception {
        Assumptions.assumeTrue(LabNetns.unavailableReason().isEmpty(),
                () -> "skipped: " + LabNetns.unavailableReason().orElse("") + " (the network faults need it)");
        Path dir = TestDirs.create("netns-semisync-");
        try {
            Cli up = Cli.run("lab", "up", "--dir", dir.toString(), "--netns", "--netns-prefix", PREFIX, "--netns-octet",
                    Integer.toString(OCTET), "--semi-sync", "--no-tls", "--no-hints");
            assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
            Path config = dir.resolve("vakt.yml");
            Cli rep = Cli.run("replicate", "--config", config.toString());
            assertThat(rep.exitCode()).as(rep.out() + rep.err()).isZero();
            // Only the objective is loosened (a loaded CI machine): detection and promotion run at the defaults.
            Files.writeString(config, DrillTestSupport.warmWindow(Files.readString(config).replace("rto: 5m", "rto: 20s")));

            Path report = dir.resolve("report-block-ports");
            Cli cli = Cli.run("drill", "--config", config.toString(), "--fault", "block-ports", "--report",
                    report.toString(), "--rejoin", "--switch-back", "--discard-errant");
            String all = cli.out() + cli.err();
            System.out.println(all);
            assertThat(cli.exitCode()).as(all).isZero();
            JsonNode r = DrillTestSupport.report(report);
            assertThat(r.get("passed").asBoolean()).as(all).isTrue();
            assertThat(r.get("measurement").get("failover_happened").asBoolean()).isTrue();
            assertThat(r.get("measurement").get("rpo_rows").asLong()).isZero();
            assertThat(all).contains("PROMOTE_STANDBY    ok").doesNotContain("aborted").doesNotContain("REPLICATION NOT");

            // Switched back: oslo-db the primary, bergen-db a standby with both threads running.
            NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
            var cfg = no.vakt.config.ConfigLoader.load(config);
            assertThat(LiveRole.of(inspector.inspect(cfg.primary()))).isEqualTo(LiveRole.PRIMARY);
            ReplicaStatus standby = inspector.inspect(cfg.standby()).replica().orElseThrow();
            assertThat(standby.ioThreadRunning() && standby.sqlThreadRunning()).as(standby.toString()).isTrue();
        } finally {
            Cli down = Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
            assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
            MariaDbServer.deleteTree(dir);
        }
    }
}
