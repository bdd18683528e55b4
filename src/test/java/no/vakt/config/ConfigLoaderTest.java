package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static final String VALID = """
            cluster: shop
            objectives:
              rpo: 500ms
              rto: 2m
            policy:
              failover: automatic
              checks:
                interval: 1s
                failures: 3
            sites:
              - name: oslo
                country: NO
                nodes:
                  - name: oslo-db
                    role: primary
                    mysql:
                      host: 127.0.10.1
                      user: vakt
                      password-file: secrets/admin.pw
              - name: bergen
                country: NO
                nodes:
                  - name: bergen-db
                    role: standby
                    mysql:
                      host: 127.0.20.1
                      port: 3307
                      user: vakt
                      password-env: VAKT_PW
            replication:
              user: repl
              password-env: REPL_PW
              databases: [shop]
            """;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, yaml);
        return f;
    }

    private ConfigProblem onlyProblem(String yaml) throws Exception {
        Path f = write(yaml);
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    @Test
    void loadsAValidConfigWithDefaults() throws Exception {
        VaktConfig c = ConfigLoader.load(write(VALID));
        assertThat(c.cluster()).isEqualTo("shop");
        assertThat(c.objectives().rpo()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.objectives().rto()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.policy().failover()).isEqualTo(FailoverMode.AUTOMATIC);
        assertThat(c.policy().checks().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.policy().cooldown()).isEqualTo(Duration.ofHours(1));
        assertThat(c.policy().jurisdictions()).containsExactly("NO", "EEA");
        assertThat(c.primary().name()).isEqualTo("oslo-db");
        assertThat(c.standby().mysql().port()).isEqualTo(3307);
        assertThat(c.primary().mysql().port()).isEqualTo(3306);
        assertThat(c.countryOf(c.standby())).isEqualTo("NO");
        assertThat(c.replication().heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.replication().semiSync()).isFalse();
        assertThat(c.replication().tls().enabled()).isFalse();
    }

    @Test
    void relativeSecretFilesAreTakenFromTheConfigDirectory() throws Exception {
        VaktConfig c = ConfigLoader.load(write(VALID));
        assertThat(c.primary().mysql().secret().file()).isEqualTo(dir.resolve("secrets/admin.pw"));
        assertThat(c.standby().mysql().secret().env()).isEqualTo("VAKT_PW");
    }

    @Test
    void theShippedExampleIsValid() {
        VaktConfig c = ConfigLoader.load(Path.of("examples/vakt.yml"));
        assertThat(c.policy().failover()).isEqualTo(FailoverMode.MANUAL);
        assertThat(c.replication().tls().verifyServerCert()).isTrue();
    }

    @Test
    void unknownKeyNamesLineColumnFieldAndTheKeysExpected() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("  failover: automatic", "  failover: automatic\n  retries: 3"));
        assertThat(p.line()).isEqualTo(7);
        assertThat(p.column()).isEqualTo(3);
        assertThat(p.field()).isEqualTo("policy.retries");
        assertThat(p.message()).contains("unknown key 'retries'").contains("cooldown").contains("checks");
        assertThat(p.toString()).startsWith(dir.resolve("vakt.yml") + ":7:3: policy.retries: ");
    }

    @Test
    void badEnumListsTheAllowedValues() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("role: standby", "role: slave"));
        assertThat(p.field()).isEqualTo("sites[1].nodes[0].role");
        assertThat(p.line()).isEqualTo(24);
        assertThat(p.message()).isEqualTo("expected one of primary, standby; got 'slave'");
    }

    @Test
    void badFailoverModeListsTheModes() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("failover: automatic", "failover: yolo"));
        assertThat(p.field()).isEqualTo("policy.failover");
        assertThat(p.message()).contains("automatic, manual, notify-only");
    }

    @Test
    void badDurationSaysWhatADurationLooksLike() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("rpo: 500ms", "rpo: soon"));
        assertThat(p.field()).isEqualTo("objectives.rpo");
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).contains("500ms, 30s, 5m").contains("'soon'");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("port: 3307", "port: many"));
        assertThat(p.field()).isEqualTo("sites[1].nodes[0].mysql.port");
        assertThat(p.message()).contains("expected a whole number");
    }

    @Test
    void inlinePasswordIsRefusedWithoutEchoingIt() throws Exception {
        Path f = write(VALID.replace("password-env: REPL_PW", "password: hunter2-secret"));
        assertThatThrownBy(() -> ConfigLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication.password")
                .hasMessageContaining("password-file")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingSecretReferenceIsAnError() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("          password-env: VAKT_PW\n", ""));
        assertThat(p.field()).isEqualTo("sites[1].nodes[0].mysql");
        assertThat(p.message()).contains("password-file").contains("password-env");
    }

    @Test
    void bothSecretReferencesAreAnError() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("password-env: REPL_PW", "password-env: REPL_PW\n  password-file: x"));
        assertThat(p.message()).contains("not both");
    }

    @Test
    void twoPrimariesAreRejected() throws Exception {
        Path f = write(VALID.replace("role: standby", "role: primary"));
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e.problems()).extracting(ConfigProblem::message)
                .anySatisfy(m -> assertThat(m).contains("exactly one node with role: primary; found 2"))
                .anySatisfy(m -> assertThat(m).contains("role: standby").contains("found 0"));
    }

    @Test
    void duplicateNodeNamesAndBadCountryAreBothReported() throws Exception {
        Path f = write(VALID.replace("name: bergen-db", "name: oslo-db").replace("country: NO\n    nodes:\n      - name: oslo-db\n        role: standby",
                "country: Norway\n    nodes:\n      - name: oslo-db\n        role: standby"));
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e.problems()).extracting(ConfigProblem::field)
                .contains("sites[1].nodes[0].name", "sites[1].country");
        ConfigProblem dup = e.problems().stream().filter(p -> p.field().equals("sites[1].nodes[0].name")).findFirst().orElseThrow();
        assertThat(dup.line()).isEqualTo(23);
        assertThat(dup.message()).contains("defined twice");
    }

    @Test
    void unknownJurisdictionIsRejected() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("    failures: 3", "    failures: 3\n  jurisdictions: [NO, Europe]"));
        assertThat(p.field()).isEqualTo("policy.jurisdictions[1]");
        assertThat(p.message()).contains("'Europe'");
    }

    @Test
    void madeUpCountryCodesAreRejectedWhereTheyStand() throws Exception {
        ConfigProblem site = onlyProblem(VALID.replaceFirst("country: NO", "country: XX"));
        assertThat(site.field()).isEqualTo("sites[0].country");
        assertThat(site.message()).contains("ISO 3166", "'XX'");
        assertThat(onlyProblem(VALID.replaceFirst("country: NO", "country: UK")).message()).contains("GB");
        assertThat(onlyProblem(VALID.replaceFirst("country: NO", "country: no")).message()).contains("in capitals: NO");
        ConfigProblem j = onlyProblem(VALID.replace("    failures: 3", "    failures: 3\n  jurisdictions: [NO, XX]"));
        assertThat(j.field()).isEqualTo("policy.jurisdictions[1]");
        assertThat(j.line()).isPositive();
    }

    @Test
    void systemSchemaInDatabasesIsRejected() throws Exception {
        ConfigProblem p = onlyProblem(VALID.replace("databases: [shop]", "databases: [shop, mysql]"));
        assertThat(p.field()).isEqualTo("replication.databases[1]");
        assertThat(p.message()).contains("system schema");
    }

    @Test
    void yamlSyntaxErrorHasALocation() throws Exception {
        ConfigProblem p = onlyProblem("cluster: shop\nsites: [\n  - {name: oslo\n");
        assertThat(p.line()).isGreaterThan(0);
        assertThat(p.message()).startsWith("not valid YAML");
    }

    @Test
    void emptyAndMissingFilesAreClear() throws Exception {
        assertThat(onlyProblem("").message()).contains("empty");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yml")
                .hasMessageContaining("file not found");
    }

    @Test
    void filesSectionHasDefaultsAndNamesUnknownKeys() throws Exception {
        VaktConfig c = ConfigLoader.load(write(VALID
                + "files:\n  directories:\n    - path: /var/www/uploads\n      target: /srv/uploads\ntraffic: []\nalerts: []\n"));
        assertThat(c.files().directories().get(0).target()).isEqualTo(Path.of("/srv/uploads"));
        assertThat(c.files().maxDeletePercent()).isEqualTo(20);
        assertThat(c.files().coalesce()).isEqualTo(java.time.Duration.ofMillis(100));
        assertThat(ConfigLoader.load(write(VALID + "files: {}\n")).files().enabled()).isFalse();
        ConfigProblem p = onlyProblem(VALID + "files:\n  dirs: [/var/www/uploads]\n");
        assertThat(p.field()).isEqualTo("files.dirs");
        assertThat(p.message()).contains("directories");
        assertThat(onlyProblem(VALID + "files:\n  max-delete-percent: 150\n").message()).contains("0 to 100");
    }

    @Test
    void locatorPrefersFlagThenEnvThenLocalThenSystem() throws Exception {
        Path flag = dir.resolve("flag.yml");
        assertThat(ConfigLocator.locate(flag, Map.of("VAKT_CONFIG", "/x.yml"), dir)).isEqualTo(flag);
        assertThat(ConfigLocator.locate(null, Map.of("VAKT_CONFIG", "/x.yml"), dir)).isEqualTo(Path.of("/x.yml"));
        Files.writeString(dir.resolve("vakt.yml"), "cluster: x\n");
        assertThat(ConfigLocator.locate(null, Map.of(), dir)).isEqualTo(dir.resolve("vakt.yml"));
    }

    @Test
    void jurisdictionsExpandEea() {
        assertThat(Jurisdictions.expand(List.of("NO", "EEA"))).contains("NO", "SE", "IS", "DE").doesNotContain("US", "GB", "CH");
        assertThat(Jurisdictions.expand(List.of("eu"))).contains("FI").doesNotContain("NO");
    }

    @Test
    void aBadEnumDoesNotHideTheOtherProblemsOfTheFile() throws Exception {
        Path f = write(VALID.replace("failover: automatic", "failover: automatc")
                .replace("rpo: 500ms", "rpo: soon")
                .replace("password-file: secrets/admin.pw", "password-file: secrets/admin.pw\n          colour: blue")
                .replace("databases: [shop]", "databases: [mysql]"));
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("objectives.rpo", 3),
                org.assertj.core.groups.Tuple.tuple("policy.failover", 6),
                org.assertj.core.groups.Tuple.tuple("sites[0].nodes[0].mysql.colour", 20),
                org.assertj.core.groups.Tuple.tuple("replication.databases[0]", 34));
        assertThat(e.problems()).filteredOn(p -> p.field().equals("policy.failover")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("automatic, manual, notify-only").contains("'automatc'"));
    }

    @Test
    void aBadRoleIsReportedOnceNotAgainAsAMissingStandby() throws Exception {
        Path f = write(VALID.replace("role: standby", "role: slave").replace("cluster: shop", "cluster: ''"));
        ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e.problems()).extracting(ConfigProblem::field)
                .containsExactlyInAnyOrder("sites[1].nodes[0].role", "cluster");
    }
}
