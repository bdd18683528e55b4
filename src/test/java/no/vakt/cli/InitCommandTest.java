package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestDirs;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt init}: the files it writes, and its printed SQL as the only grants Vakt's account has. */
class InitCommandTest {
    private static List<String> options(Path config, String primary, String standby, String... extra) {
        List<String> args = new ArrayList<>(List.of("init", "--non-interactive", "--config", config.toString(),
                "--cluster", "shop", "--primary-site", "oslo", "--primary-host", primary, "--primary-country", "NO",
                "--standby-site", "bergen", "--standby-host", standby, "--standby-country", "NO",
                "--databases", "shop", "--vakt-address", "127.0.0.1"));
        args.addAll(Arrays.asList(extra));
        return args;
    }

    private static Cli init(List<String> args) {
        Cli r = Cli.run(args.toArray(String[]::new));
        System.out.println("$ vakt " + String.join(" ", args) + "\n" + r.out() + r.err() + "[exit " + r.exitCode() + "]");
        return r;
    }

    @Test
    void writesAConfigThatValidatesAndOwnerOnlySecretsAndPrintsNoPassword() throws Exception {
        Path dir = TestDirs.create("init-");
        Path config = dir.resolve("vakt.yml");
        Cli r = init(options(config, "10.0.0.5", "10.0.1.5:3307", "--traffic", "haproxy",
                "--haproxy-address", "127.0.0.1:9999"));
        assertThat(r.exitCode()).isZero();
        VaktConfig c = ConfigLoader.load(config);
        assertThat(c.primary().mysql().host()).isEqualTo("10.0.0.5");
        assertThat(c.standby().mysql().port()).isEqualTo(3307);
        assertThat(c.zoneOf(c.standby())).isEqualTo("bergen-1");
        assertThat(c.traffic()).hasSize(1);
        assertThat(Cli.run("config", "validate", "--config", config.toString()).exitCode()).isZero();
        for (String f : List.of("secrets/admin.password", "secrets/replication.password", "secrets/admin-account.sql")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
        }
        String password = Files.readString(dir.resolve("secrets/admin.password")).trim();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        assertThat(r.out()).contains("SET SESSION sql_log_bin = 0;", "REPLICATION SLAVE ADMIN", "'vakt'@'127.0.0.1'")
                .doesNotContain(password).doesNotContain("ALL PRIVILEGES ON *.*");
        assertThat(Files.readString(dir.resolve("secrets/admin-account.sql"))).contains(password);

        Cli again = init(options(config, "10.0.0.5", "10.0.1.5"));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("exists", "--force");
        Cli forced = init(options(config, "10.0.0.6", "10.0.1.5", "--force"));
        assertThat(forced.exitCode()).isZero();
        assertThat(ConfigLoader.load(config).primary().mysql().host()).isEqualTo("10.0.0.6");
        assertThat(Files.readString(dir.resolve("secrets/admin.password")).trim()).as("kept").isEqualTo(password);
    }

    @Test
    void onATerminalEachMissingValueIsAskedWithItsDefault() {
        java.io.StringWriter shown = new java.io.StringWriter();
        java.util.Iterator<String> typed = List.of("", "oslo", "", "bergen").iterator();
        var a = new InitCommand.Answers(() -> typed.hasNext() ? typed.next() : null, new java.io.PrintWriter(shown, true));
        assertThat(a.ask("--cluster", "Cluster name", "shop", null)).as("given: not asked").isEqualTo("shop");
        assertThat(a.ask("--primary-site", "Primary site name", null, null)).as("blank without default: asked again")
                .isEqualTo("oslo");
        assertThat(a.ask("--primary-zone", "Primary zone", null, "oslo-1")).isEqualTo("oslo-1");
        assertThat(a.ask("--standby-site", "Standby site name", null, null)).isEqualTo("bergen");
        assertThat(a.ask("--databases", "Databases", null, null)).as("end of input").isNull();
        assertThat(a.missing).containsExactly("--databases");
        assertThat(shown.toString()).contains("Primary site name: ", "Primary zone [oslo-1]: ").doesNotContain("Cluster name");
    }

    @Test
    void nonInteractiveNamesEveryMissingOption() throws Exception {
        Path config = TestDirs.create("init-").resolve("vakt.yml");
        Cli r = init(List.of("init", "--non-interactive", "--config", config.toString(), "--cluster", "shop"));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--primary-host", "--standby-host", "--databases", "--vakt-address", "--primary-country");
        assertThat(config).doesNotExist();
    }

    @Test
    void aValueTheConfigRefusesWritesNothing() throws Exception {
        Path config = TestDirs.create("init-").resolve("vakt.yml");
        List<String> args = options(config, "10.0.0.5", "10.0.1.5");
        args.set(args.indexOf("--standby-country") + 1, "no");
        Cli r = init(args);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("sites[1].country", "in capitals: NO");
        assertThat(config).doesNotExist();
        assertThat(config.resolveSibling("secrets")).doesNotExist();
    }

    /** The printed SQL, run on both servers, is all Vakt's account gets: replicate and check work with it. */
    @Test
    void thePrintedGrantsAreEnoughToReplicateAndCheck() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "CREATE TABLE shop.audit (note VARCHAR(40))", "INSERT INTO shop.orders VALUES (1), (2)",
                    "CREATE TRIGGER shop.orders_audit AFTER INSERT ON shop.orders FOR EACH ROW"
                            + " INSERT INTO shop.audit VALUES (CONCAT('order ', NEW.id))",
                    "CREATE VIEW shop.order_ids AS SELECT id FROM shop.orders");
            Path config = pair.dir.resolve("init/vakt.yml");
            Files.createDirectories(config.getParent());
            Cli r = init(options(config, pair.primary.host() + ":" + pair.primary.port(),
                    pair.standby.host() + ":" + pair.standby.port(), "--admin-user", "vaktinit",
                    "--primary-source-address", "127.0.0.1", "--standby-source-address", "127.0.0.1"));
            assertThat(r.exitCode()).isZero();
            String[] sql = Arrays.stream(Files.readString(config.resolveSibling("secrets/admin-account.sql")).split(";\n"))
                    .filter(s -> !s.isBlank()).toArray(String[]::new);
            TestPair.sql(pair.primary, sql);
            TestPair.sql(pair.standby, sql);
            assertThat(ReplicationFixture.variable(pair.standby, "gtid_binlog_pos")).as("no errant GTID").isEmpty();

            Cli replicate = Cli.run("replicate", "--config", config.toString());
            System.out.println(replicate.out() + replicate.err());
            assertThat(replicate.exitCode()).isZero();
            ReplicationFixture.awaitRunning(pair.standby);
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (3)");
            ReplicationFixture.awaitCaughtUp(pair);

            Cli check = Cli.run("check", "--config", config.toString());
            System.out.println(check.out() + check.err());
            assertThat(check.out() + check.err()).contains("logged in to").doesNotContain("cannot log in")
                    .doesNotContain("denied");
        }
    }
}
