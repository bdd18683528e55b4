package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.ConfigProblem;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four entry types as the config file spells them: kebab-case keys, defaults, and errors with line and column. */
class TrafficEntryConfigTest {
    @TempDir
    Path dir;

    // 22 lines: the traffic section starts on line 23.
    static final String BASE = """
            cluster: shop
            sites:
              - name: oslo
                country: NO
                nodes:
                  - name: oslo-db
                    role: primary
                    mysql:
                      host: 127.0.10.1
                      user: vakt
                      password-env: VAKT_PW
              - name: bergen
                country: NO
                nodes:
                  - name: bergen-db
                    role: standby
                    mysql: {host: 127.0.20.1, user: vakt, password-env: VAKT_PW}
            replication:
              user: repl
              password-env: REPL_PW
              databases: [shop]
            traffic:
            """;

    private VaktConfig load(String traffic) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, BASE + traffic);
        return ConfigLoader.load(f);
    }

    private ConfigProblem problem(String traffic) throws Exception {
        Throwable t = catchThrowable(() -> load(traffic));
        assertThat(t).as("expected the config to be rejected").isInstanceOf(ConfigException.class);
        List<ConfigProblem> problems = ((ConfigException) t).problems();
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void cloudflareEntryWithDefaults() throws Exception {
        VaktConfig c = load("""
                  - type: cloudflare
                    zone: Example.com.
                    record: db.example.com
                    api-token-file: secrets/cf.token
                    targets: {oslo-db: 203.0.113.10, bergen-db: 198.51.100.20}
                """);
        CloudflareEntry e = (CloudflareEntry) c.traffic().get(0);
        assertThat(e.zone()).isEqualTo("example.com");
        assertThat(e.recordType()).isEqualTo("A");
        assertThat(e.baseUrl()).isEqualTo(URI.create("https://api.cloudflare.com/client/v4"));
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.tokenRef().file()).isEqualTo(dir.resolve("secrets/cf.token"));
        assertThat(e.targets()).containsExactly(Map.entry("oslo-db", "203.0.113.10"), Map.entry("bergen-db", "198.51.100.20"));
    }

    @Test
    void route53EntryWithDefaults() throws Exception {
        VaktConfig c = load("""
                  - type: route53
                    hosted-zone-id: /hostedzone/Z0123456789
                    record: db.example.com.
                    record-type: aaaa
                    access-key-id: AKIAIOSFODNN7EXAMPLE
                    secret-access-key-env: R53_SECRET
                    endpoint: http://127.0.42.1:8080
                """);
        Route53Entry e = (Route53Entry) c.traffic().get(0);
        assertThat(e.hostedZoneId()).isEqualTo("Z0123456789");
        assertThat(e.record()).isEqualTo("db.example.com");
        assertThat(e.recordType()).isEqualTo("AAAA");
        assertThat(e.region()).isEqualTo("us-east-1");
        assertThat(e.secretRef().env()).isEqualTo("R53_SECRET");
        assertThat(e.targets()).isEmpty();
    }

    @Test
    void haproxyAndCommandEntriesWithDefaults() throws Exception {
        VaktConfig c = load("""
                  - type: haproxy
                    socket: /run/haproxy/admin.sock
                    backend: mariadb
                    servers: {oslo-db: oslo, bergen-db: bergen}
                  - type: command
                    command: [/usr/local/bin/move-vip, --to, "{address}", "--epoch={epoch}"]
                    show-command: [/usr/local/bin/move-vip, --show, "{cluster}"]
                    timeout: 20s
                """);
        HaproxyEntry h = (HaproxyEntry) c.traffic().get(0);
        assertThat(h.shutdownSessions()).isTrue();
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.servers()).containsEntry("bergen-db", "bergen");
        CommandEntry cmd = (CommandEntry) c.traffic().get(1);
        assertThat(cmd.retryableExitCodes()).containsExactly(75);
        assertThat(cmd.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(cmd.verifyCommand()).isNull();
        assertThat(CommandProvider.substitute(cmd.command(), Map.of("address", "10.0.0.1", "epoch", "7")))
                .containsExactly("/usr/local/bin/move-vip", "--to", "10.0.0.1", "--epoch=7");
    }

    @Test
    void unknownKeyInAnEntryNamesLineColumnAndTheKeysExpected() throws Exception {
        ConfigProblem p = problem("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    api-token-env: CF_TOKEN
                    proxied: true
                """);
        assertThat(p.line()).isEqualTo(27);
        assertThat(p.column()).isEqualTo(5);
        assertThat(p.field()).isEqualTo("traffic[0].proxied");
        assertThat(p.message()).contains("unknown key 'proxied'").contains("zone-id").contains("api-token-file");
    }

    @Test
    void unknownKeysInTheOtherEntryTypesAreErrorsToo() throws Exception {
        ConfigProblem r53 = problem("""
                  - type: route53
                    hosted-zone-id: Z1
                    record: db.example.com
                    access-key-id: AK
                    secret-access-key-env: S
                    zone: example.com
                """);
        assertThat(r53.line()).isEqualTo(28);
        assertThat(r53.field()).isEqualTo("traffic[0].zone");
        assertThat(r53.message()).contains("hosted-zone-id");
        ConfigProblem ha = problem("""
                  - type: haproxy
                    socket: /tmp/x.sock
                    backend: db
                    server: {oslo-db: oslo}
                """);
        assertThat(ha.line()).isEqualTo(26);
        assertThat(ha.column()).isEqualTo(5);
        assertThat(ha.message()).contains("unknown key 'server'").contains("servers");
        ConfigProblem cmd = problem("""
                  - type: command
                    command: [/bin/true]
                    args: [x]
                """);
        assertThat(cmd.line()).isEqualTo(25);
        assertThat(cmd.message()).contains("unknown key 'args'").contains("show-command");
    }

    @Test
    void unknownTypeIsAnError() throws Exception {
        ConfigProblem p = problem("""
                  - type: bind9
                    zone: example.com
                """);
        assertThat(p.line()).isEqualTo(23);
        assertThat(p.message()).contains("bind9");
    }

    @Test
    void anInlineTokenIsRefusedAndNeverEchoed() throws Exception {
        ConfigProblem p = problem("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    api-token: sekrit-cf-token-123
                """);
        assertThat(p.line()).isEqualTo(23);
        assertThat(p.message()).contains("by reference only").contains("api-token-file").doesNotContain("sekrit");
        ConfigProblem both = problem("""
                  - type: route53
                    hosted-zone-id: Z1
                    record: db.example.com
                    access-key-id: AK
                    secret-access-key-env: S
                    secret-access-key-file: /etc/s
                """);
        assertThat(both.message()).contains("not both");
    }

    @Test
    void entryRulesAreCheckedAtLoad() throws Exception {
        assertThat(problem("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.org
                    api-token-env: CF
                """).message()).contains("not inside zone 'example.com'");
        assertThat(problem("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    record-type: MX
                    api-token-env: CF
                """).message()).contains("A, AAAA, CNAME");
        assertThat(problem("""
                  - type: haproxy
                    socket: /tmp/a.sock
                    address: 127.0.0.1:9999
                    backend: db
                """).message()).contains("exactly one");
        assertThat(problem("""
                  - type: haproxy
                    address: 127.0.0.1
                    backend: db
                """).message()).contains("HOST:PORT");
        assertThat(problem("""
                  - type: command
                    command: [/bin/echo, "{old-node}"]
                """).message()).contains("{old-node}").contains("{address}");
        assertThat(problem("""
                  - type: command
                    command: [/bin/echo]
                    show-command: [/bin/echo, "{node}"]
                """).message()).contains("show-command uses {node}");
        assertThat(problem("""
                  - type: command
                    timeout: 5s
                """).message()).contains("expected command: [PROGRAM");
    }

    @Test
    void openChecksTargetsAgainstTheNodes() throws Exception {
        // A target naming no node is caught when the config is loaded, with its line and column.
        assertThat(problem("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    api-token-env: CF
                    targets: {oslo: 203.0.113.10}
                """).message()).contains("'oslo' is not a node").contains("oslo-db");
        VaktConfig c = load("""
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    record-type: AAAA
                    api-token-env: CF
                  - type: haproxy
                    address: 127.0.42.1:1
                    backend: db
                """);
        // the default targets are the MySQL hosts: IPv4, which an AAAA record cannot hold
        assertThatThrownBy(() -> TrafficEntry.of(c.traffic().get(0)).open(c))
                .hasMessageContaining("expected an IPv6 address for an AAAA record; got '127.0.10.1'");
        // haproxy's default servers are named like the nodes
        TrafficProvider h = TrafficEntry.of(c.traffic().get(1)).open(c);
        assertThat(h.describe()).isEqualTo("haproxy backend db via 127.0.42.1:1");
        assertThatThrownBy(() -> h.apply("nosuch-db", 1)).hasMessageContaining("no target for node 'nosuch-db'");
    }
}
