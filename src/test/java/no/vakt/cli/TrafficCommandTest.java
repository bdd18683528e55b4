package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.journal.JournalJson;
import no.vakt.lab.BindServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Dig;
import no.vakt.testing.TestPair;
import no.vakt.testing.TrafficYaml;
import org.junit.jupiter.api.Test;

/**
 * End to end: a real replicating pair, a real BIND, and the CLI. {@code vakt promote} moves the DNS
 * record in its HANDOVER step, {@code vakt traffic show --json} reports it from the authority, and
 * {@code vakt traffic apply} finds nothing to change.
 */
class TrafficCommandTest {
    static final String ZONE = "e2e.vakt.test.";

    @Test
    void aPromotionMovesTheDnsRecordAndTrafficShowReportsIt() throws Exception {
        try (TestPair pair = PromoteCommandTest.replicatingPair(null)) {
            BindServer bind = new BindServer(pair.dir.resolve("bind"), "127.0.0.1", Dig.freePort("127.0.0.1"), ZONE, "vakt-e2e");
            try {
                bind.start(Map.of("app", pair.primary.host()), 5);
                pair.rewriteConfig(s -> TrafficYaml.rfc2136(s, ZONE, bind.port(), "bind/tsig.key"));
                String cfg = pair.configFile.toString();

                JsonNode before = show(cfg);
                assertThat(before.get("cluster").asText()).isEqualTo("test");
                assertThat(before.at("/entries/0/node").asText()).isEqualTo("oslo-db");
                assertThat(before.at("/entries/0/values/0").asText()).isEqualTo(pair.primary.host());
                assertThat(before.at("/entries/0/ttl_seconds").asLong()).isEqualTo(5);
                assertThat(before.at("/entries/0/type").asText()).isEqualTo("rfc2136");
                assertThat(before.at("/entries/0/error").isNull()).isTrue();

                Cli promote = PromoteCommandTest.vakt("promote", "--config", cfg, "--confirm");
                assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();
                assertThat(promote.out()).containsPattern("HANDOVER\\s+ok");

                assertThat(dig(bind.port(), "app." + ZONE)).containsExactly(pair.standby.host());
                JsonNode after = show(cfg);
                assertThat(after.at("/entries/0/node").asText()).isEqualTo("bergen-db");
                assertThat(after.at("/entries/0/values/0").asText()).isEqualTo(pair.standby.host());

                Cli text = PromoteCommandTest.vakt("traffic", "show", "--config", cfg);
                assertThat(text.exitCode()).isZero();
                assertThat(text.out()).contains("[0] rfc2136 app." + ZONE + " A @127.0.0.1:" + bind.port())
                        .contains("-> " + pair.standby.host() + "  node bergen-db  TTL 5s");

                // By hand: the live primary is bergen-db now, and the record already points there.
                Cli apply = PromoteCommandTest.vakt("traffic", "apply", "--config", cfg);
                assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
                assertThat(apply.out()).contains("at bergen-db (live roles: oslo-db idle, bergen-db primary)")
                        .containsPattern("\\[0] unchanged\\s+rfc2136 app\\.").contains("Traffic points at bergen-db.");

                Cli wrong = PromoteCommandTest.vakt("traffic", "apply", "--config", cfg, "--node", "oslo-db");
                assertThat(wrong.exitCode()).isEqualTo(ExitCodes.FAILED);
                assertThat(wrong.out()).contains("oslo-db is not the live primary").contains("Nothing changed");
                assertThat(dig(bind.port(), "app." + ZONE)).containsExactly(pair.standby.host());

                JsonNode history = JournalJson.mapper().readTree(
                        PromoteCommandTest.vakt("history", "--config", cfg, "--json", "--limit", "1000").out());
                List<JsonNode> traffic = new ArrayList<>();
                history.get("events").forEach(e -> {
                    if ("traffic".equals(e.get("kind").asText())) traffic.add(e);
                });
                // Per switch: the entry's start and outcome, then the whole switch's state.
                assertThat(traffic).extracting(e -> e.at("/details/outcome").asText(""))
                        .containsExactly("", "changed", "", "", "unchanged", "");
                assertThat(traffic).extracting(e -> e.at("/details/switch").asText(""))
                        .containsExactly("", "", "switched", "", "", "switched");
                assertThat(traffic.get(1).at("/details/time_to_visible_ms").isNumber()).isTrue();
            } finally {
                bind.destroy();
            }
        }
    }

    @Test
    void withoutTrafficEntriesShowAndApplySaySoAndSucceed() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("traffic-none-");
        try {
            Path cfg = dir.resolve("vakt.yml");
            // The example's own traffic entry names a documentation address: replace it, nothing may be sent there.
            String example = java.nio.file.Files.readString(Path.of("examples/vakt.yml"));
            String withoutTraffic = example.replaceAll("(?m)^traffic:\n(?:[ #].*?\n|\n)*(?=^\\S)", "traffic: []\n");
            assertThat(withoutTraffic).contains("traffic: []\n").doesNotContain("type: rfc2136");
            java.nio.file.Files.writeString(cfg, withoutTraffic);
            Cli show = Cli.run("traffic", "show", "--config", cfg.toString());
            assertThat(show.exitCode()).isZero();
            assertThat(show.out()).contains("No traffic entries configured (traffic: [])");
            Cli json = Cli.run("traffic", "show", "--config", cfg.toString(), "--json");
            assertThat(new ObjectMapper().readTree(json.out()).get("entries").size()).isZero();
            Cli apply = Cli.run("traffic", "apply", "--config", cfg.toString());
            assertThat(apply.exitCode()).isZero();
            assertThat(apply.out()).contains("nothing to apply");
            Cli badNode = Cli.run("traffic", "apply", "--config", cfg.toString(), "--node", "nobody");
            assertThat(badNode.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(badNode.err()).contains("--node: 'nobody' is not a node; expected one of [oslo-db1, bergen-db1]");
        } finally {
            no.vakt.lab.MariaDbServer.deleteTree(dir);
        }
    }

    static JsonNode show(String cfg) throws Exception {
        Cli r = PromoteCommandTest.vakt("traffic", "show", "--config", cfg, "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    static List<String> dig(int port, String name) throws Exception {
        return Dig.query("127.0.0.1", port, name, "A");
    }
}
