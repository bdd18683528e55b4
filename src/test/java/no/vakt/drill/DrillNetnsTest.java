package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.db.NodeInspector;
import no.vakt.journal.Journal;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabNetns;
import no.vakt.lab.LabSite;
import no.vakt.lab.MariaDbServer;
import no.vakt.roles.LiveRole;
import no.vakt.testing.Cli;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The network faults on `vakt lab up --netns` (root only): each site in its own namespace, faults as
 * iptables rules inside it. One lab for the three kinds; each failing-over drill rejoins and switches back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillNetnsTest {
    /** Overridable (-Dvakt.test.netns.prefix=..., -Dvakt.test.netns.octet=...) so two runs can share a machine. */
    private static final String PREFIX = System.getProperty("vakt.test.netns.prefix", "vkd-t-");
    private static final int OCTET = Integer.getInteger("vakt.test.netns.octet", 200);
    private Path dir;
    private Path config;

    @BeforeAll
    void labUp() throws Exception {
        Assumptions.assumeTrue(LabNetns.unavailableReason().isEmpty(),
                () -> "skipped: " + LabNetns.unavailableReason().orElse("") + " (the network faults need it)");
        dir = TestDirs.create("netns-lab-");
        Cli up = Cli.run("lab", "up", "--dir", dir.toString(), "--netns", "--netns-prefix", PREFIX, "--netns-octet",
                Integer.toString(OCTET), "--no-tls", "--no-hints");
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        config = dir.resolve("vakt.yml");
        Cli rep = Cli.run("replicate", "--config", config.toString());
        assertThat(rep.exitCode()).as(rep.out() + rep.err()).isZero();
        Files.writeString(config, DrillTestSupport.warmWindow(Files.readString(config).replace("interval: 1s", "interval: 200ms")
                .replace("timeout: 1s", "timeout: 500ms").replace("cooldown: 1m", "cooldown: 2s").replace("rto: 5m", "rto: 15s")));
    }

    @AfterAll
    void labDown() throws IOException {
        if (dir == null) return;
        List<Long> web = new ArrayList<>();
        for (LabSite s : LabSite.values()) {
            Path pid = dir.resolve(s.siteName()).resolve("web.pid");
            if (Files.exists(pid)) web.add(Long.parseLong(Files.readString(pid).trim()));
        }
        assertThat(web).hasSize(2);
        Cli down = Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
        assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
        assertThat(LabNetns.of(new LabLayout(dir)).exists()).isFalse();
        assertThat(web).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        MariaDbServer.deleteTree(dir);
    }

    @Test
    @Order(1)
    void theLabRunsEachSiteInItsNamespaceWithAWebServer() throws Exception {
        LabNetns n = LabNetns.of(new LabLayout(dir));
        assertThat(n.namespace(LabSite.OSLO)).isEqualTo(PREFIX + "oslo");
        assertThat(n.healthy(LabSite.OSLO)).isTrue();
        assertThat(n.healthy(LabSite.BERGEN)).isTrue();
        String net = "10.246." + OCTET + ".";
        assertThat(Files.readString(config)).contains("health-url: http://" + net + "11/health")
                .contains("source-address: " + net + "12").contains("load-source-address: " + net + "3");
        Cli check = Cli.run("check", "--config", config.toString());
        assertThat(check.exitCode()).as(check.out()).isZero();
    }

    @Test
    @Order(2)
    void blockPortsFailsOverWithinTheObjective() throws Exception {
        JsonNode r = drill("block-ports");
        assertThat(r.get("measurement").get("failover_happened").asBoolean()).isTrue();
        assertThat(r.get("measurement").get("rto_ms").asLong()).isPositive().isLessThanOrEqualTo(15_000);
        assertThat(r.get("fault_description").asText()).contains("iptables DROP of tcp ports 3306, 80, 443");
        assertSwitchedBack();
    }

    @Test
    @Order(3)
    void isolatePrimaryFailsOverWithinTheObjective() throws Exception {
        JsonNode r = drill("isolate-primary");
        assertThat(r.get("measurement").get("failover_happened").asBoolean()).isTrue();
        assertThat(r.get("measurement").get("rto_ms").asLong()).isLessThanOrEqualTo(15_000);
        assertSwitchedBack();
    }

    @Test
    @Order(4)
    void partitionMonitorCausesNoFailover() throws Exception {
        JsonNode r = drill("partition-monitor");
        JsonNode m = r.get("measurement");
        assertThat(m.get("failover_happened").asBoolean()).isFalse();
        assertThat(m.get("rpo_rows").asLong()).isZero();
        assertThat(r.get("passed").asBoolean()).isTrue();
        // The load (another address) kept writing while the monitor was cut off.
        assertThat(m.get("acked").asLong()).isGreaterThan(m.get("acked_before_fault").asLong() + 20);
        List<String> what = new ArrayList<>();
        r.get("timeline").forEach(e -> what.add(e.get("what").asText()));
        assertThat(what).anySatisfy(w -> assertThat(w).contains("UNREACHABLE_FROM_MONITOR"));
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
        var cfg = no.vakt.config.ConfigLoader.load(config);
        assertThat(LiveRole.of(inspector.inspect(cfg.primary()))).isEqualTo(LiveRole.PRIMARY);
    }

    private JsonNode drill(String kind) throws Exception {
        awaitCooldown();
        Path report = dir.resolve("report-" + kind);
        List<String> args = new ArrayList<>(List.of("drill", "--config", config.toString(), "--fault", kind, "--report",
                report.toString()));
        if (!kind.equals("partition-monitor")) args.addAll(List.of("--rejoin", "--switch-back", "--discard-errant"));
        Cli cli = Cli.run(args.toArray(String[]::new));
        String all = cli.out() + cli.err();
        System.out.println(all);
        assertThat(cli.exitCode()).as(all).isZero();
        return DrillTestSupport.report(report);
    }

    private void awaitCooldown() {
        Path journalFile = dir.resolve(".vakt/journal.db");
        if (!Files.exists(journalFile)) return;
        await("cooldown over").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Journal j = new Journal(journalFile, Clock.systemUTC())) {
                return j.lastFailoverEnd().map(t -> t.plusSeconds(2).isBefore(Instant.now())).orElse(true);
            }
        });
    }

    private void assertSwitchedBack() {
        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(2));
        var cfg = no.vakt.config.ConfigLoader.load(config);
        assertThat(LiveRole.of(inspector.inspect(cfg.primary()))).isEqualTo(LiveRole.PRIMARY);
        assertThat(LiveRole.of(inspector.inspect(cfg.standby()))).isEqualTo(LiveRole.STANDBY);
    }
}
