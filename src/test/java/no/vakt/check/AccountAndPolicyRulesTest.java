package no.vakt.check;

import static no.vakt.check.States.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

class AccountAndPolicyRulesTest {
    private final VaktConfig config = config();

    private Observations accounts(List<String> onPrimary, List<String> onStandby) {
        var base = States.healthy(config);
        return new Observations(base.primary(), base.standby(), onPrimary, onStandby, base.canary(), List.of());
    }

    @Test
    void replicationAccountMissingOnThePrimary() {
        var f = AccountRules.replicationUser(config, accounts(List.of(), List.of("10.0.0.1")));
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.fix()).isEqualTo("on oslo-db: SET SESSION sql_log_bin = 0; CREATE USER IF NOT EXISTS"
                    + " 'repl'@'10.0.0.1' IDENTIFIED BY '<the password in file:/etc/vakt/repl.password>';"
                    + " GRANT REPLICATION SLAVE ON *.* TO 'repl'@'10.0.0.1';");
        });
    }

    @Test
    void replicationAccountThatDoesNotLetTheStandbyIn() {
        assertThat(AccountRules.replicationUser(config, accounts(List.of("10.9.9.9"), List.of())))
                .extracting(Finding::severity).containsExactly(Severity.WARNING);
        assertThat(AccountRules.replicationUser(config, accounts(List.of("10.0.0.0/255.255.255.0"), List.of())))
                .extracting(Finding::severity).containsExactly(Severity.OK);
    }

    @Test
    void wildcardHosts() {
        var f = AccountRules.wildcardHosts(config, accounts(List.of("%", "10.0.0.%"), List.of("10.0.0.1")));
        assertThat(f).extracting(Finding::id, Finding::node, Finding::severity).containsExactly(
                tuple("replication-user-wildcard", "oslo-db", Severity.ERROR),
                tuple("replication-user-wildcard", "oslo-db", Severity.WARNING));
        assertThat(f.get(0).message()).contains("'repl'@'%'", "any host");
        assertThat(f.get(0).fix()).contains("DROP USER 'repl'@'%'", "CREATE USER IF NOT EXISTS 'repl'@'10.0.0.1'");
        assertThat(AccountRules.wildcardHosts(config, accounts(List.of("10.0.0.1"), List.of("10.0.0.1")))).isEmpty();
    }

    @Test
    void accountForTheWayBackOnTheStandby() {
        assertThat(AccountRules.replicationUserOnStandby(config, accounts(List.of("10.0.0.1"), List.of())))
                .singleElement().satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.WARNING);
                    assertThat(x.node()).isEqualTo("bergen-db");
                    assertThat(x.fix()).startsWith("on bergen-db: SET SESSION sql_log_bin = 0; CREATE USER");
                });
        assertThat(AccountRules.replicationUserOnStandby(config, accounts(List.of("10.0.0.1"), List.of("10.7.7.7"))))
                .extracting(Finding::severity).containsExactly(Severity.WARNING);
        assertThat(AccountRules.replicationUserOnStandby(config, accounts(List.of("10.0.0.1"), null))).isEmpty();
    }

    @Test
    void secrets() {
        var ref = SecretRef.ofFile(Path.of("/etc/vakt/admin.password"));
        var base = States.healthy(config);
        var o = new Observations(base.primary(), base.standby(), null, null, null, List.of(
                new SecretObservation("MySQL password of oslo-db", "oslo-db", ref, null,
                        "secret file /etc/vakt/admin.password is readable by group/others"),
                new SecretObservation("replication password", null, SecretRef.ofEnv("REPL_PW"),
                        "environment variable REPL_PW is not set", null)));
        assertThat(AccountRules.secrets(config, o)).extracting(Finding::id, Finding::node, Finding::severity, Finding::fix)
                .containsExactly(
                        tuple("secret-permissions", "oslo-db", Severity.WARNING,
                                "chmod 600 /etc/vakt/admin.password (owned by the user vakt runs as)"),
                        tuple("secret-unreadable", null, Severity.ERROR, "set the environment variable REPL_PW for vakt"));
    }

    @Test
    void jurisdictions() {
        assertThat(PlacementRules.jurisdictions(config, null)).extracting(Finding::severity)
                .containsExactly(Severity.OK, Severity.OK);

        VaktConfig usStandby = config(t -> replaceLast(t, "country: NO", "country: US"));
        assertThat(PlacementRules.jurisdictions(usStandby, null)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.OK), tuple("bergen-db", Severity.ERROR));

        VaktConfig usPrimary = config(t -> t.replaceFirst("country: NO", "country: US"));
        assertThat(PlacementRules.jurisdictions(usPrimary, null)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.ERROR), tuple("bergen-db", Severity.OK));

        VaktConfig swedenInEea = config(t -> replaceLast(t, "country: NO", "country: SE"));
        assertThat(PlacementRules.jurisdictions(swedenInEea, null)).extracting(Finding::severity)
                .containsOnly(Severity.OK);

        VaktConfig norwayOnly = config(t -> replaceLast(t.replace("jurisdictions: [NO, EEA]", "jurisdictions: [NO]"),
                "country: NO", "country: SE"));
        assertThat(PlacementRules.jurisdictions(norwayOnly, null)).extracting(Finding::node, Finding::severity)
                .contains(tuple("bergen-db", Severity.ERROR));

        assertThat(PlacementRules.backupRepository(config, null)).as("no backup section").isEmpty();
        VaktConfig repoInUs = config(t -> t + "backup:\n  repository: {path: /var/backups/vakt, country: US}\n");
        assertThat(PlacementRules.backupRepository(repoInUs, null)).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("backup repository", Severity.ERROR));
        VaktConfig repoInSweden = config(t -> t + "backup:\n  repository: {path: /var/backups/vakt, country: SE}\n");
        assertThat(PlacementRules.backupRepository(repoInSweden, null)).extracting(Finding::severity)
                .containsExactly(Severity.OK);
    }

    @Test
    void backupToolOnlyWithABackupSectionAndOnlyTheServersVersion() {
        VaktConfig withBackup = config(t -> t + "backup:\n  repository: {path: /var/backups/vakt, country: NO}\n");
        var base = States.healthy(withBackup);
        java.util.function.Function<java.util.Optional<String>, Observations> seen = tool -> new Observations(base.primary(),
                base.standby(), null, null, null, null, List.of(), null, null, null, null, null, tool);
        assertThat(BackupRules.tool(config, seen.apply(java.util.Optional.empty()))).as("no backup: section").isEmpty();
        assertThat(BackupRules.tool(withBackup, seen.apply(null))).as("not looked at").isEmpty();
        assertThat(BackupRules.tool(withBackup, seen.apply(java.util.Optional.of("mariadb-backup based on MariaDB server 10.11.19-MariaDB"))))
                .extracting(Finding::severity).containsExactly(Severity.OK, Severity.OK);
        assertThat(BackupRules.tool(withBackup, seen.apply(java.util.Optional.of("mariadb-backup based on MariaDB server 10.6.1-MariaDB"))))
                .extracting(Finding::id, Finding::severity)
                .containsExactly(tuple("backup-tool", Severity.ERROR), tuple("backup-tool", Severity.ERROR));
        assertThat(BackupRules.tool(withBackup, seen.apply(java.util.Optional.empty()))).first()
                .satisfies(f -> assertThat(f.message()).contains("not installed", "apt-get install mariadb-backup"));
    }

    @Test
    void backupRepositoryIsProbedByWritingAFileThroughTheEncryption(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("pass"), "s3cret-passphrase\n");
        java.nio.file.Files.writeString(dir.resolve("a-file"), "");
        VaktConfig good = config(t -> t + "backup:\n  repository: {path: " + dir.resolve("repo") + ", country: NO}\n"
                + "  encryption: {passphrase-file: " + dir.resolve("pass") + "}\n");
        VaktConfig underAFile = config(t -> t + "backup:\n  repository: {path: " + dir.resolve("a-file/repo") + ", country: NO}\n");
        VaktConfig noPassphrase = config(t -> t + "backup:\n  repository: {path: " + dir.resolve("repo") + ", country: NO}\n"
                + "  encryption: {passphrase-file: " + dir.resolve("missing") + "}\n");
        var base = States.healthy(good);
        java.util.function.Function<VaktConfig, List<Finding>> check = c -> BackupRules.repository(c, new Observations(base.primary(),
                base.standby(), null, null, null, null, List.of(), null, null, null, null, null, null,
                no.vakt.backup.RepositoryProbe.probe(c.backup(), java.util.Map.of()), null));
        assertThat(check.apply(good)).extracting(Finding::id, Finding::severity).containsExactly(tuple("backup-repository", Severity.OK));
        assertThat(java.nio.file.Files.list(dir.resolve("repo"))).as("the probe file removed").isEmpty();
        assertThat(check.apply(underAFile)).extracting(Finding::severity).containsExactly(Severity.ERROR);
        assertThat(check.apply(noPassphrase)).first().satisfies(f -> assertThat(f.message()).contains(dir.resolve("missing").toString()));
        assertThat(BackupRules.repository(config, null)).as("no backup: section").isEmpty();
        java.nio.file.Files.setPosixFilePermissions(dir.resolve("pass"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PreflightProbe.secrets(good)).filteredOn(s -> s.purpose().startsWith("backup passphrase")).singleElement()
                .satisfies(s -> assertThat(s.permissionProblem()).contains("readable by group/others"));
    }

    @Test
    void hostPatterns() {
        assertThat(HostPattern.matches("%", "10.0.0.1")).isTrue();
        assertThat(HostPattern.matches("10.0.0.%", "10.0.0.1")).isTrue();
        assertThat(HostPattern.matches("10.0.0.%", "10.0.1.1")).isFalse();
        assertThat(HostPattern.matches("10.0.0._", "10.0.0.7")).isTrue();
        assertThat(HostPattern.matches("10.0.0.0/255.255.255.0", "10.0.0.77")).isTrue();
        assertThat(HostPattern.matches("10.0.0.0/255.255.255.0", "10.0.1.77")).isFalse();
        assertThat(HostPattern.matches("10.0.0.1", "10.0.0.10")).isFalse();
        assertThat(HostPattern.hasWildcard("10.0.0.1")).isFalse();
    }

    private static String replaceLast(String text, String what, String with) {
        int i = text.lastIndexOf(what);
        return text.substring(0, i) + with + text.substring(i + what.length());
    }
}
