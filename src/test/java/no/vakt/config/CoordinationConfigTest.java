package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinationConfigTest {
    /** Two sites, one node each, replication: what every section test adds its section to. */
    static final String BASE = """
            cluster: shop
            sites:
              - name: oslo
                country: NO
                nodes:
                  - name: oslo-db
                    role: primary
                    mysql: {host: 127.0.10.1, user: vakt, password-file: a.pw}
              - name: bergen
                country: NO
                nodes:
                  - name: bergen-db
                    role: standby
                    mysql: {host: 127.0.20.1, user: vakt, password-file: a.pw}
            replication:
              user: repl
              password-env: REPL_PW
              databases: [shop]
            """;

    @TempDir
    Path dir;

    private VaktConfig load(String extra) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, BASE + extra);
        return ConfigLoader.load(f);
    }

    private List<ConfigProblem> problems(String extra) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(extra));
        assertThat(e).as("a config error").isNotNull();
        return e.problems();
    }

    @Test
    void withoutTheSectionThereIsNoCoordination() throws Exception {
        assertThat(load("").coordinationSection()).isEmpty();
    }

    @Test
    void defaultsFillTheChrootFromTheClusterNameTheTimeoutsAndTheAgentFromTheHostName() throws Exception {
        CoordinationConfig c = load("""
                coordination:
                  zookeeper: "127.0.0.1:2181, 127.0.0.2:2182,zk3"
                """).coordinationSection().orElseThrow();
        assertThat(c.chroot()).isEqualTo("/vakt/shop");
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.agent()).isEqualTo(CoordinationConfig.hostName()).isNotBlank();
        assertThat(c.servers()).containsExactly(new HostPort("127.0.0.1", 2181), new HostPort("127.0.0.2", 2182),
                new HostPort("zk3", 2181));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        CoordinationConfig c = load("""
                coordination:
                  zookeeper: "h1:2181,h2:2181,h3:2181"
                  chroot: /ha/shop-eu
                  session-timeout: 10s
                  connection-timeout: 2s
                  agent: oslo
                """).coordinationSection().orElseThrow();
        assertThat(c).isEqualTo(new CoordinationConfig("h1:2181,h2:2181,h3:2181", "/ha/shop-eu", Duration.ofSeconds(10),
                Duration.ofSeconds(2), "oslo"));
    }

    @Test
    void everyMistakeIsNamedAtOnceWithItsLineAndField() {
        List<ConfigProblem> p = problems("""
                coordination:
                  zookeeper: "h1:2181/vakt"
                  chroot: vakt/shop
                  session-timeout: 500ms
                  connection-timeout: 0s
                  agent: "oslo agent"
                """);
        assertThat(p).extracting(ConfigProblem::field).containsExactly("coordination.zookeeper", "coordination.chroot",
                "coordination.session-timeout", "coordination.connection-timeout", "coordination.agent");
        int first = BASE.split("\n").length + 2;
        assertThat(p).extracting(ConfigProblem::line).containsExactly(first, first + 1, first + 2, first + 3, first + 4);
        assertThat(p.get(0).message()).contains("chroot");
        assertThat(p.get(1).message()).contains("/vakt/shop");
    }

    @Test
    void aMissingEnsembleABadPortAConnectionTimeoutAboveTheSessionAndAnUnknownKey() {
        assertThat(problems("""
                coordination:
                  chroot: /vakt/shop
                """)).extracting(ConfigProblem::field, ConfigProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("coordination.zookeeper",
                        "expected the ZooKeeper ensemble as \"host:port,host:port,...\""));
        assertThat(problems("""
                coordination:
                  zookeeper: "h1:99999"
                  session-timeout: 4s
                  connection-timeout: 5s
                """)).extracting(ConfigProblem::field)
                .containsExactly("coordination.zookeeper", "coordination.connection-timeout");
        assertThat(problems("""
                coordination:
                  zookeeper: "h1:2181"
                  session-timeout: soon
                  quorum: 3
                """)).extracting(ConfigProblem::field)
                .containsExactlyInAnyOrder("coordination.session-timeout", "coordination.quorum");
    }

    @Test
    void tlsAndSaslAreReadWithTheirSecretsByReference() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "x");
        Files.writeString(dir.resolve("agent.pem"), "x");
        Files.writeString(dir.resolve("tls.pass"), "x");
        Files.writeString(dir.resolve("zk.pass"), "s3cret\n");
        CoordinationConfig c = load("""
                coordination:
                  zookeeper: "h1:2281"
                  tls: {truststore: %s, keystore: %s, password-file: %s}
                  sasl: {user: vakt, password-file: %s}
                """.formatted(dir.resolve("ca.pem"), dir.resolve("agent.pem"), dir.resolve("tls.pass"),
                dir.resolve("zk.pass"))).coordinationSection().orElseThrow();
        assertThat(c.tls()).isEqualTo(new CoordinationConfig.ZooKeeperTls(dir.resolve("ca.pem"), dir.resolve("agent.pem"),
                dir.resolve("tls.pass")));
        assertThat(c.sasl().user()).isEqualTo("vakt");
        assertThat(c.sasl().passwordSecret().resolve()).isEqualTo("s3cret");
    }

    @Test
    void anInlinePasswordAMissingTruststoreAndUnreadableFilesAreNamedByLineWithoutTheSecret() {
        List<ConfigProblem> inline = problems("""
                coordination:
                  zookeeper: "h1:2281"
                  sasl:
                    user: vakt
                    password: hunter2
                """);
        assertThat(inline).extracting(ConfigProblem::field).containsExactly("coordination.sasl");
        assertThat(inline.get(0).message()).contains("by reference only").doesNotContain("hunter2");
        assertThat(inline.get(0).line()).isEqualTo(BASE.split("\n").length + 3);

        assertThat(problems("""
                coordination:
                  zookeeper: "h1:2281"
                  tls: {keystore: a.pem}
                """)).extracting(ConfigProblem::field).containsExactly("coordination.tls");
        List<ConfigProblem> missing = problems("""
                coordination:
                  zookeeper: "h1:2281"
                  tls: {truststore: /nonexistent/ca.pem}
                  sasl: {user: vakt, password-file: /nonexistent/zk.pass}
                """);
        assertThat(missing).extracting(ConfigProblem::field)
                .containsExactly("coordination.tls.truststore", "coordination.sasl.password-file");
        assertThat(missing.get(0).line()).isEqualTo(BASE.split("\n").length + 3);
    }
}
