package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.check.DashboardRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    private static final String BASE = CoordinationConfigTest.BASE + """
            files: {}
            traffic: []
            alerts: []
            """;

    @TempDir
    Path dir;

    private VaktConfig load(String extra) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, BASE + extra);
        return ConfigLoader.load(f);
    }

    private ConfigProblem problem(String extra) {
        try {
            load(extra);
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a config error");
    }

    @Test
    void withoutAServerSectionTheDashboardListensOnLocalhost8787WithWritesDisabled() throws Exception {
        ServerConfig s = load("").server();
        assertThat(s.enabled()).isTrue();
        assertThat(s.address()).isEqualTo(new ListenAddress("127.0.0.1", 8787));
        assertThat(s.tokenSecret()).isEmpty();
        assertThat(s.tls()).isNull();
    }

    @Test
    void aFullSectionResolvesPathsAgainstTheConfigDirectory() throws Exception {
        ServerConfig s = load("""
                server:
                  enabled: true
                  listen: "[::1]:9000"
                  token-file: secrets/api.token
                  tls:
                    cert: tls/server.pem
                    key: tls/server.key
                """).server();
        assertThat(s.address()).isEqualTo(new ListenAddress("::1", 9000));
        assertThat(s.tokenSecret()).contains(SecretRef.ofFile(dir.resolve("secrets/api.token")));
        assertThat(s.tls().cert()).isEqualTo(dir.resolve("tls/server.pem"));
        assertThat(load("server: {enabled: false, token-env: VAKT_API_TOKEN}\n").server().tokenSecret())
                .contains(SecretRef.ofEnv("VAKT_API_TOKEN"));
    }

    @Test
    void anInlineTokenIsAnErrorThatNeverEchoesIt() {
        ConfigProblem p = problem("server:\n  token: hunter2-secret\n");
        assertThat(p.toString()).contains("server").contains("token-file").doesNotContain("hunter2");
        assertThat(p.line()).as(p.toString()).isEqualTo(22); // the token line
    }

    @Test
    void badValuesNameTheKeyAndWhatWasExpected() {
        assertThat(problem("server:\n  listen: localhost\n").toString())
                .contains("server").contains("listen: expected HOST:PORT").contains("'localhost'");
        assertThat(problem("server:\n  listen: 127.0.0.1:99999\n").message()).contains("listen: expected HOST:PORT");
        assertThat(problem("server:\n  tls: {cert: a.pem}\n").message()).contains("tls: expected cert");
        assertThat(problem("server:\n  token-file: a\n  token-env: B\n").message()).contains("not both");
        assertThat(problem("server:\n  port: 80\n").message()).contains("unknown key 'port'").contains("listen");
    }

    @Test
    void thePreflightWarnsWhenTheDashboardIsReachableOverPlainHttp() throws Exception {
        assertThat(DashboardRules.exposure(load(""), null)).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(no.vakt.check.Severity.OK));
        assertThat(DashboardRules.exposure(load("server: {listen: 0.0.0.0:8787}\n"), null)).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(no.vakt.check.Severity.WARNING);
                    assertThat(f.fix()).contains("server.tls");
                });
        assertThat(DashboardRules.exposure(load("server: {listen: 0.0.0.0:8787, tls: {cert: a, key: b}}\n"), null))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(no.vakt.check.Severity.INFO));
        assertThat(DashboardRules.exposure(load("server: {enabled: false, listen: 0.0.0.0:8787}\n"), null)).isEmpty();
    }

    @Test
    void theReadTokenAndThisNodeAreOptionalAndChecked() throws Exception {
        ServerConfig s = load("server:\n  token-file: a.token\n  read-token-file: secrets/read.token\n  node: bergen-db\n").server();
        assertThat(s.readTokenSecret()).contains(SecretRef.ofFile(dir.resolve("secrets/read.token")));
        assertThat(s.node()).isEqualTo("bergen-db");
        assertThat(load("server: {read-token-env: VAKT_READ_TOKEN}\n").server().readTokenSecret())
                .contains(SecretRef.ofEnv("VAKT_READ_TOKEN"));
        assertThat(load("").server().readTokenSecret()).isEmpty();
        assertThat(problem("server:\n  read-token-file: a\n  read-token-env: B\n").message()).contains("not both");
        ConfigProblem unknown = problem("server:\n  node: trondheim-db\n");
        assertThat(unknown.field()).isEqualTo("server.node");
        assertThat(unknown.message()).contains("no node 'trondheim-db'");
        assertThat(unknown.line()).as(unknown.toString()).isEqualTo(23); // the node line
    }

    @Test
    void listenAddressesParse() {
        assertThat(ListenAddress.parse("0.0.0.0:0")).isEqualTo(new ListenAddress("0.0.0.0", 0));
        assertThat(ListenAddress.parse("[::1]:8787").toString()).isEqualTo("[::1]:8787");
        assertThatThrownBy(() -> ListenAddress.parse("::1:8787")).hasMessageContaining("expected HOST:PORT");
        assertThatThrownBy(() -> ListenAddress.parse(":8787")).hasMessageContaining("expected HOST:PORT");
    }
}
