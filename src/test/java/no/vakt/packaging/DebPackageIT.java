package no.vakt.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package as an operator gets it: lintian clean, installs with dpkg, runs, its units verify and
 * are hardened, its man pages and bash completion work, {@code dpkg -r} keeps the state and the edited
 * conffile, {@code dpkg --purge} leaves nothing behind. An integration test (failsafe, {@code mvn verify}):
 * it needs {@code target/vakt_VERSION_all.deb} from {@code mvn package}.
 *
 * <p>Installing puts /usr/bin/vakt on this machine: the package is purged at the end, also when a test
 * failed, and a lock keeps two worktrees' runs from installing at once. Root only (dpkg -i).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SHORT = Duration.ofMinutes(1);
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)");
    private static final List<String> UNITS = List.of("vakt.service", "vakt@shop.service");
    /** Everything the package or its scripts create: none may stay after a purge. */
    private static final List<Path> FOOTPRINT = List.of(Path.of("/usr/bin/vakt"), Path.of("/usr/share/vakt"),
            Path.of("/etc/vakt"), Path.of("/var/lib/vakt"), Path.of("/lib/systemd/system/vakt.service"),
            Path.of("/lib/systemd/system/vakt@.service"), Path.of("/usr/share/man/man1/vakt.1.gz"),
            Path.of("/usr/share/bash-completion/completions/vakt"), Path.of("/usr/share/doc/vakt"));

    private static FileChannel lockFile;
    private static FileLock lock;
    private static Path deb;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(isRoot(), "DebPackageIT SKIPPED: it installs the package with dpkg -i and must run as root");
        deb = Path.of(System.getProperty("vakt.deb", "target/vakt_dev_all.deb"));
        assertThat(deb).as("the package `mvn package` builds").isRegularFile();
        lockFile = FileChannel.open(Path.of("/run/lock/vakt-deb-it.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockFile.lock();
        assertThat(run(SHORT, "dpkg-query", "-W", "-f=${Status}", "vakt").out())
                .as("a vakt package installed before this test: not ours to replace").doesNotContain("installed");
        assertThat(Path.of("/usr/bin/vakt")).as("/usr/bin/vakt from elsewhere: dpkg would overwrite it").doesNotExist();
        Result installed = run(DPKG_TIMEOUT, "dpkg", "-i", deb.toString());
        assertThat(installed.code()).as(installed.out()).isZero();
    }

    @AfterAll
    static void purge() throws Exception {
        try {
            if (deb != null) run(DPKG_TIMEOUT, "dpkg", "--purge", "vakt");
        } finally {
            if (lock != null) lock.release();
            if (lockFile != null) lockFile.close();
        }
    }

    @Test
    @Order(1)
    void lintianFindsNoErrors() throws Exception {
        Result r = run(Duration.ofMinutes(5), "lintian", "--tag-display-limit", "0", deb.toString());
        assertThat(r.out().lines().filter(l -> l.startsWith("E: ")).toList()).as(r.out()).isEmpty();
        assertThat(r.code()).as(r.out()).isZero();
    }

    @Test
    @Order(2)
    void theInstalledCommandRunsAndTheLayoutIsInPlace() throws Exception {
        Result v = run(SHORT, "/usr/bin/vakt", "--version");
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out()).startsWith("vakt ").doesNotContain("vakt dev");
        assertThat(Path.of("/usr/share/vakt/vakt.jar")).isRegularFile();
        assertThat(run(SHORT, "getent", "passwd", "vakt").out()).contains(":/var/lib/vakt:");
        assertThat(mode(Path.of("/etc/vakt"))).isEqualTo("750 root:vakt");
        assertThat(mode(Path.of("/var/lib/vakt"))).isEqualTo("750 vakt:vakt");
    }

    /** The standby's receiver comes from the same package: it greets the sender and ends with its input. */
    @Test
    @Order(2)
    void theInstalledReceiverAnswers() throws Exception {
        Path dir = Files.createTempDirectory("vakt-deb-it-receive");
        try {
            Result r = run(SHORT, "/usr/bin/vakt", "sync", "--receive", dir.toString());
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).startsWith("VKTR");
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    @Order(3)
    void theUnitsVerifyAndAreHardened() throws Exception {
        for (String unit : UNITS) {
            Result verify = run(SHORT, "systemd-analyze", "verify", unit);
            assertThat(verify.code()).as(unit + ": " + verify.out()).isZero();
            assertThat(verify.out()).as(unit).isBlank();
            Result security = run(SHORT, "systemd-analyze", "security", "--offline=true", unit);
            Matcher m = EXPOSURE.matcher(security.out());
            assertThat(m.find()).as(unit + ": " + security.out()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(unit + " exposure").isLessThanOrEqualTo(2.0);
        }
    }

    @Test
    @Order(4)
    void manPagesRender() throws Exception {
        for (String page : List.of("vakt", "vakt-run", "vakt-sync")) {
            // Not a terminal: man-db renders plain text, no overstrike.
            Result man = runWith(List.of("MANWIDTH=80"), SHORT, "man", page);
            assertThat(man.code()).as(page + ": " + man.out()).isZero();
            assertThat(man.out()).as(page).contains("NAME").contains("SYNOPSIS");
        }
    }

    @Test
    @Order(5)
    void bashCompletionLoads() throws Exception {
        Result r = run(SHORT, "bash", "-c", "source /usr/share/bash-completion/completions/vakt && complete -p vakt");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("complete").contains(" vakt");
    }

    /**
     * The production path on lab servers: the installed {@code vakt init} as root writes /etc/vakt/vakt.yml
     * and hands it to the service user, the printed SQL runs on both nodes, and the vakt user's
     * {@code vakt check} and {@code vakt replicate} work with exactly those grants.
     */
    @Test
    @Order(6)
    void installedInitCheckReplicateWithLeastPrivilege() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders VALUES (1), (2)");
            Result init = run(SHORT, "/usr/bin/vakt", "init", "--non-interactive", "--config", "/etc/vakt/vakt.yml",
                    "--cluster", "shop", "--primary-site", "oslo", "--primary-country", "NO",
                    "--primary-host", pair.primary.host() + ":" + pair.primary.port(), "--standby-site", "bergen",
                    "--standby-country", "NO", "--standby-host", pair.standby.host() + ":" + pair.standby.port(),
                    "--databases", "shop", "--vakt-address", "127.0.0.1", "--primary-source-address", "127.0.0.1",
                    "--standby-source-address", "127.0.0.1");
            assertThat(init.code()).as(init.out()).isZero();
            String[] sql = Arrays.stream(Files.readString(Path.of("/etc/vakt/secrets/admin-account.sql")).split(";\n"))
                    .filter(x -> !x.isBlank()).toArray(String[]::new);
            TestPair.sql(pair.primary, sql);
            TestPair.sql(pair.standby, sql);

            Result replicate = run(SHORT, "runuser", "-u", "vakt", "--", "vakt", "replicate", "--config",
                    "/etc/vakt/vakt.yml");
            assertThat(replicate.code()).as(replicate.out()).isZero();
            ReplicationFixture.awaitRunning(pair.standby);
            Result check = run(SHORT, "runuser", "-u", "vakt", "--", "vakt", "check", "--config", "/etc/vakt/vakt.yml");
            assertThat(check.out()).as(check.out()).contains("logged in to").doesNotContain("denied")
                    .doesNotContain("cannot log in");
        } finally {
            for (String f : List.of("/etc/vakt/vakt.yml", "/etc/vakt/secrets/admin.password",
                    "/etc/vakt/secrets/replication.password", "/etc/vakt/secrets/admin-account.sql")) {
                Files.deleteIfExists(Path.of(f));
            }
        }
    }

    @Test
    @Order(7)
    void removeKeepsStateAndAnEditedConffileSurvivesAReinstall() throws Exception {
        Path env = Path.of("/etc/vakt/vakt.env");
        Files.writeString(env, "# edited by DebPackageIT\n", StandardOpenOption.APPEND);
        Path state = Path.of("/var/lib/vakt/journal.db");
        Files.writeString(state, "state");
        Result removed = run(DPKG_TIMEOUT, "dpkg", "-r", "vakt");
        assertThat(removed.code()).as(removed.out()).isZero();
        assertThat(Path.of("/usr/bin/vakt")).doesNotExist();
        assertThat(state).as("dpkg -r keeps the state").hasContent("state");
        assertThat(env).as("dpkg -r keeps conffiles").exists();

        Result again = run(DPKG_TIMEOUT, "dpkg", "-i", deb.toString());
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(Files.readString(env)).as("conffile untouched by the reinstall").contains("# edited by DebPackageIT");
        assertThat(state).hasContent("state");
    }

    @Test
    @Order(99)
    void purgeLeavesNothingBehind() throws Exception {
        Result purged = run(DPKG_TIMEOUT, "dpkg", "--purge", "vakt");
        assertThat(purged.code()).as(purged.out()).isZero();
        for (Path p : FOOTPRINT) assertThat(p).as("left after purge").doesNotExist();
        assertThat(run(SHORT, "getent", "passwd", "vakt").code()).as("the vakt user").isNotZero();
        assertThat(run(SHORT, "getent", "group", "vakt").code()).as("the vakt group").isNotZero();
        assertThat(run(SHORT, "dpkg-query", "-W", "-f=${Status}", "vakt").out()).doesNotContain("installed");
    }

    private static boolean isRoot() throws Exception {
        return run(SHORT, "id", "-u").out().trim().equals("0");
    }

    private static String mode(Path p) throws Exception {
        return run(SHORT, "stat", "-c", "%a %U:%G", p.toString()).out().trim();
    }

    record Result(int code, String out) {}

    private static Result run(Duration timeout, String... argv) throws IOException, InterruptedException {
        return runWith(List.of(), timeout, argv);
    }

    /** stdout and stderr together, through a file (no pipe to fill); killed after {@code timeout}. */
    private static Result runWith(List<String> env, Duration timeout, String... argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("vakt-deb-it", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(argv))).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            for (String kv : env) pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, String.join(" ", argv) + ": timed out after " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
