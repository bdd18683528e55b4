package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.vakt.lab.BindServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Dig;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * {@code vakt check}'s traffic-target finding against a real pair and a real BIND, before and after a
 * promotion: it compares the record with the live primary, as {@code vakt traffic apply} does, so its
 * advice and apply's answer agree instead of sending the operator in a circle.
 */
class CheckTrafficTargetTest {
    static final String ZONE = "check.vakt.test.";

    @Test
    void trafficIsJudgedAgainstTheLivePrimary() throws Exception {
        try (TestPair pair = PromoteCommandTest.replicatingPair(null)) {
            BindServer bind = new BindServer(pair.dir.resolve("bind"), "127.0.0.1", Dig.freePort("127.0.0.1"), ZONE,
                    "vakt-check");
            try {
                bind.start(Map.of("app", pair.primary.host()), 5);
                pair.rewriteConfig(s -> s.replace("traffic: []\n", "traffic:\n"
                        + "  - type: rfc2136\n"
                        + "    zone: " + ZONE + "\n"
                        + "    record: app\n"
                        + "    ttl: 5s\n"
                        + "    server: 127.0.0.1:" + bind.port() + "\n"
                        + "    key-file: bind/tsig.key\n"));
                String cfg = pair.configFile.toString();

                JsonNode before = target(cfg);
                assertThat(before.get("severity").asText()).isEqualTo("OK");
                assertThat(before.get("node").asText()).isEqualTo("oslo-db");

                Cli promote = PromoteCommandTest.vakt("promote", "--config", cfg, "--confirm");
                assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();

                // The config still says oslo-db is the primary; the record follows the live one and that is right.
                JsonNode after = target(cfg);
                assertThat(after.get("severity").asText()).isEqualTo("OK");
                assertThat(after.get("node").asText()).isEqualTo("bergen-db");
                assertThat(after.get("message").asText()).contains("the live primary (the config's role: still says oslo-db)");
                assertThat(after.get("fix").isNull()).isTrue();

                // Someone points it back at the fenced old primary: check says so, and its advice works.
                Cli back = PromoteCommandTest.vakt("traffic", "apply", "--config", cfg, "--node", "oslo-db", "--force");
                assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
                JsonNode wrong = target(cfg);
                assertThat(wrong.get("severity").asText()).isEqualTo("WARNING");
                assertThat(wrong.get("message").asText()).contains("points at oslo-db", "not at the live primary bergen-db");
                assertThat(wrong.get("fix").asText()).startsWith("vakt traffic apply");

                Cli apply = PromoteCommandTest.vakt("traffic", "apply", "--config", cfg);
                assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
                assertThat(apply.out()).containsPattern("\\[0] changed");
                assertThat(Dig.query("127.0.0.1", bind.port(), "app." + ZONE, "A")).containsExactly(pair.standby.host());
                assertThat(target(cfg).get("severity").asText()).isEqualTo("OK");
            } finally {
                bind.destroy();
            }
        }
    }

    /** The single traffic-target finding of {@code vakt check --json --no-canary}. */
    static JsonNode target(String cfg) throws Exception {
        Cli r = PromoteCommandTest.vakt("check", "--config", cfg, "--json", "--no-canary");
        List<JsonNode> hits = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).get("findings").forEach(f -> {
            if ("traffic-target".equals(f.get("id").asText())) hits.add(f);
        });
        assertThat(hits).as(r.out()).hasSize(1);
        return hits.get(0);
    }
}
