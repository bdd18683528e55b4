package no.vakt.cli;

import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.StallingHttpServer;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * End to end with a real replicating pair and a PowerDNS API that sends its response headers and then
 * stalls (the hang seen in the field: HANDOVER stuck on "traffic [0] powerdns ... started", BUMP_EPOCH
 * never run). Each attempt is cut off at the entry's 2 s timeout, the switch is retried and left pending,
 * and the failover still raises the epoch and ends "completed, traffic pending".
 */
class StalledTrafficFailoverTest {
    @Test
    void aPowerDnsApiThatStallsAfterItsHeadersLeavesTrafficPendingAndTheEpochIsStillBumped() throws Exception {
        try (TestPair pair = PromoteCommandTest.replicatingPair(null);
                StallingHttpServer api = new StallingHttpServer(Loopback.nextAddress())) {
            Path key = pair.dir.resolve("pdns.key");
            Files.writeString(key, "pdns-api-key\n");
            pair.rewriteConfig(s -> s.replace("traffic: []\n", "traffic:\n"
                    + "  - type: powerdns\n"
                    + "    api-url: " + api.uri("") + "\n"
                    + "    api-key-file: " + key + "\n"
                    + "    zone: stall.vakt.test.\n"
                    + "    record: app\n"
                    + "    ttl: 5s\n"
                    + "    timeout: 1s\n"
                    + "    nameservers: [127.0.0.1:53]\n"));
            String cfg = pair.configFile.toString();

            // Before the fix this never returned: fail instead of hanging the build.
            Cli promote = assertTimeoutPreemptively(Duration.ofMinutes(3),
                    () -> PromoteCommandTest.vakt("promote", "--config", cfg, "--confirm", "--force"));

            assertThat(promote.exitCode()).as("promoted, but users are not moved: not a clean success").isEqualTo(1);
            assertThat(promote.out())
                    .containsPattern("HANDOVER\\s+failed\\s+\\d+ ms\\s+.*traffic switch to bergen-db failed: .*"
                            + "no complete answer within 1000 ms")
                    .containsPattern("BUMP_EPOCH\\s+ok")
                    .contains("failover 1 completed, traffic pending: oslo-db -> bergen-db, epoch 1");
            assertThat(api.requests()).as("every attempt of the switch reached the API and was cut off").isEqualTo(5);
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, ' ', primary_node) FROM vakt.cluster")).contains("1 bergen-db");
        }
    }
}
