package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.failover.steps.FenceCommand;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code vakt lab} on unique loopback addresses and a free port, so a real lab is never touched. */
class LabTest {
    Path dir;
    String oslo;
    String bergen;
    int port;

    @BeforeEach
    void freshLab() throws Exception {
        dir = TestDirs.create("lab-").resolve("lab");
        oslo = Loopback.nextAddress();
        bergen = Loopback.nextAddress();
        port = freePortOnBoth(oslo, bergen);
    }

    @AfterEach
    void labDown() throws Exception {
        Lab lab = new Lab(new LabLayout(dir));
        lab.down(true);
        MariaDbServer.deleteTree(dir.getParent());
    }

    @Test
    void upStartsBothSitesAsConfiguredAndTheServersOutliveTheJvmThatStartedThem() throws Exception {
        // The first `lab up` runs in its own JVM, as `./vakt lab up` does: the servers must stay up after it exits.
        Process p = new ProcessBuilder(javaCommand("lab", "up", "--dir", dir.toString(), "--port",
                Integer.toString(port), "--oslo-address", oslo, "--bergen-address", bergen))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("oslo    primary  " + oslo + ":" + port, "started", "demo database shop",
                dir.resolve("vakt.yml").toString(), "./vakt replicate --config " + dir.resolve("vakt.yml"),
                "./vakt lab down --dir " + dir);

        VaktConfig config = ConfigLoader.load(dir.resolve("vakt.yml"));
        assertThat(config.cluster()).isEqualTo("lab");
        assertThat(config.policy().failover().name()).isEqualTo("AUTOMATIC");
        assertThat(config.replication().databases()).containsExactly("shop");
        assertThat(config.primary().mysql().host()).isEqualTo(oslo);
        assertThat(config.standby().mysql().host()).isEqualTo(bergen);
        assertThat(config.primary().effectiveSourceAddress()).isEqualTo("127.0.0.1");
        assertThat(config.replication().tls().ca()).exists();

        NodeInspector inspector = new NodeInspector(Duration.ofSeconds(5));
        NodeState primary = inspector.inspect(config.primary());
        NodeState standby = inspector.inspect(config.standby());
        assertThat(primary.reachable()).as(primary.error()).isTrue();
        assertThat(primary.serverId()).isEqualTo(1);
        // Every node starts read-only (read-only = 1 in both my.cnf); vakt replicate opens the primary.
        assertThat(primary.readOnly()).isTrue();
        assertThat(primary.readOnlyOrigin()).isEqualTo("CONFIG");
        assertThat(primary.variable("have_ssl")).isEqualTo("YES");
        assertThat(standby.reachable()).as(standby.error()).isTrue();
        assertThat(standby.serverId()).isEqualTo(2);
        assertThat(standby.readOnly()).isTrue();
        assertThat(standby.gtidBinlogPos().isEmpty()).as("the admin user is created outside the binlog").isTrue();
        assertThat(customers(config)).isEqualTo(4);

        for (Path secret : List.of(dir.resolve("secrets/admin.password"), dir.resolve("secrets/replication.password"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
            assertThat(Files.readString(secret).trim()).hasSizeGreaterThanOrEqualTo(20);
        }

        List<Long> pids = pids();
        assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        // Twice is fine: running servers are left alone, and the demo data is never seeded again.
        // As the application would (Vakt's own account has no DELETE on the application's data).
        LabLayout layout = new LabLayout(dir);
        new Lab(layout).server(LabSite.OSLO, LabSettings.read(layout.settingsFile()).orElseThrow())
                .rootExecute("DELETE FROM shop.orders WHERE customer_id = 4", "DELETE FROM shop.customers WHERE id = 4");
        Cli again = up();
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already running").doesNotContain("started", "demo database");
        assertThat(pids()).isEqualTo(pids);
        assertThat(customers(config)).isEqualTo(3);

        Cli status = Cli.run("lab", "status", "--dir", dir.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("oslo", "bergen", "running", "pid " + pids.get(0), "pid " + pids.get(1),
                oslo + ":" + port, bergen + ":" + port, dir.resolve("vakt.yml").toString());
        // read from the servers: both start read-only and bergen does not replicate yet (no vakt replicate here,
        // which would open oslo)
        assertThat(status.out()).contains("live:    oslo-db idle, bergen-db idle (no node is a writable primary now)");

        Cli down = Cli.run("lab", "down", "--dir", dir.toString());
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("stopped");
        for (long pid : pids) assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir.resolve("oslo/mariadbd.pid")).doesNotExist();
        assertThat(dir.resolve("bergen/mariadbd.pid")).doesNotExist();

        Cli stopped = Cli.run("lab", "status", "--dir", dir.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.out()).contains("stopped").doesNotContain("running");
        Cli downAgain = Cli.run("lab", "down", "--dir", dir.toString());
        assertThat(downAgain.exitCode()).isZero();
        assertThat(downAgain.out()).contains("not running");

        // Back up on the kept data: nothing is seeded again, the user's change is still there.
        Cli restart = up();
        assertThat(restart.exitCode()).as(restart.err()).isZero();
        assertThat(restart.out()).contains("started").doesNotContain("demo database");
        assertThat(customers(config)).isEqualTo(3);

        Cli purge = Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
        assertThat(purge.exitCode()).isZero();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aPortInUseIsReportedClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName(bergen), port));
            Cli r = up("--no-tls");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains(bergen + ":" + port + " (bergen) is already in use", "--port");
        }
        assertThat(new Lab(new LabLayout(dir)).status()).noneSatisfy(s -> assertThat(s.running()).isTrue());
    }

    @Test
    void aRunningLabIsNotSilentlyReconfigured() throws Exception {
        Cli first = up("--no-tls");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(ConfigLoader.load(dir.resolve("vakt.yml")).replication().tls().enabled()).isFalse();

        Cli tls = up("--tls");
        assertThat(tls.exitCode()).isEqualTo(1);
        assertThat(tls.err()).contains("is running with", "TLS off", "you asked for", "TLS on", "vakt lab down");
    }

    @Test
    void theStonithFenceCommandPowersOffAFrozenServerAndPowerOnBringsItBackReadOnly() throws Exception {
        Cli r = up("--no-tls", "--stonith");
        assertThat(r.exitCode()).as(r.err()).isZero();
        VaktConfig config = ConfigLoader.load(dir.resolve("vakt.yml"));
        assertThat(config.policy().fenceCommand()).endsWith("lab", "power-off", "--dir",
                dir.toAbsolutePath().normalize().toString(), "{node}");
        long pid = pids().get(0);
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
        assertThat(stop.waitFor(5, TimeUnit.SECONDS) && stop.exitValue() == 0).isTrue();

        // As FENCE_OLD_PRIMARY runs it: its own process, the node's name for {node}.
        FenceCommand.Result fenced = new FenceCommand(config.policy().fenceCommand(), Duration.ofSeconds(60))
                .run(config.cluster(), config.primary(), 2);
        assertThat(fenced.ok()).as(fenced.detail()).isTrue();
        assertThat(fenced.detail()).contains("oslo-db powered off (mariadbd pid " + pid + ", SIGKILL)");
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        Cli again = Cli.run("lab", "power-off", "--dir", dir.toString(), "oslo-db");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("oslo-db is already off");

        Cli on = Cli.run("lab", "power-on", "--dir", dir.toString(), "oslo");
        assertThat(on.exitCode()).as(on.err()).isZero();
        assertThat(on.out()).contains("oslo-db powered on");
        NodeState oslo = new NodeInspector(Duration.ofSeconds(5)).inspect(config.primary());
        assertThat(oslo.reachable()).as(oslo.error()).isTrue();
        assertThat(oslo.readOnly()).isTrue();
        assertThat(pids().get(0)).isNotEqualTo(pid);
    }

    @Test
    void statusAndDownOfNoLabAreHarmless() {
        Cli status = Cli.run("lab", "status", "--dir", dir.toString());
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.out()).contains("No lab in " + dir);
        Cli down = Cli.run("lab", "down", "--dir", dir.toString());
        assertThat(down.exitCode()).isZero();
        assertThat(down.out()).contains("not running");
    }

    @Test
    void anEditedConfigIsKeptAsideWhenUpRewritesItAndPurgeDeletesOnlyTheLabsOwnFiles() throws Exception {
        Cli r = up("--no-tls");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Cli unedited = up("--no-tls");
        assertThat(unedited.out()).doesNotContain("your edits");
        assertThat(dir).isDirectoryNotContaining("glob:**/vakt.yml.edited-*");

        Path config = dir.resolve("vakt.yml");
        String generated = Files.readString(config);
        String edited = generated.replace("cooldown: 1m", "cooldown: 2m") + "# my notes\n";
        Files.writeString(config, edited);
        Cli again = up("--no-tls");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("your edits to vakt.yml were copied to");
        assertThat(Files.readString(config)).isEqualTo(generated);
        Path kept;
        try (var files = Files.list(dir)) {
            kept = files.filter(f -> f.getFileName().toString().startsWith("vakt.yml.edited-")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(kept)).isEqualTo(edited);

        Files.writeString(dir.resolve("notes.txt"), "mine");
        Cli purge = Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
        assertThat(purge.exitCode()).isZero();
        assertThat(dir.resolve("notes.txt")).exists();
        assertThat(kept).as("the operator's edit is not the lab's to delete").exists();
        assertThat(dir.resolve("oslo")).doesNotExist();
        assertThat(dir.resolve("secrets")).doesNotExist();
        assertThat(dir.resolve("vakt.yml")).doesNotExist();
    }

    private Cli up(String... extra) {
        List<String> args = new ArrayList<>(List.of("lab", "up", "--dir", dir.toString(), "--port",
                Integer.toString(port), "--oslo-address", oslo, "--bergen-address", bergen));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private List<Long> pids() throws Exception {
        List<Long> out = new ArrayList<>();
        for (String site : List.of("oslo", "bergen")) {
            out.add(Long.parseLong(Files.readString(dir.resolve(site).resolve("mariadbd.pid")).trim()));
        }
        return out;
    }

    private static long customers(VaktConfig config) throws Exception {
        try (DbSession db = new NodeInspector(Duration.ofSeconds(5)).open(config.primary())) {
            return Long.parseLong(db.scalar("SELECT COUNT(*) FROM shop.customers").orElseThrow());
        }
    }

    static int freePortOnBoth(String a, String b) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            int candidate = Loopback.freePort(a);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(b), candidate));
                return candidate;
            } catch (java.io.IOException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("no port free on both " + a + " and " + b);
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "no.vakt.cli.Main"));
        cmd.addAll(List.of(args));
        assertThat(System.getProperty("java.class.path")).contains(File.separator);
        return cmd;
    }
}
