package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.traffic.TrafficProvider.PointsAt;
import org.junit.jupiter.api.Test;

/** The traffic rules over hand-made observations: access, target, TTL against max-ttl and the RTO budget. */
class TrafficRulesTest {
    // Lab-like checks: 1s x 3 + 1s = 4s of detection; RTO 5m.
    private final VaktConfig config = States.config();

    private Observations with(TrafficObservation... traffic) {
        Observations h = States.healthy(config);
        return new Observations(h.primary(), h.standby(), h.primaryReplicationHosts(), h.standbyReplicationHosts(),
                h.canary(), h.secrets(), List.of(traffic), null);
    }

    private static TrafficObservation seen(String node, long ttl, Duration maxTtl) {
        return new TrafficObservation(0, "rfc2136 app.example.org. A @ns:53", null,
                new PointsAt(List.of("10.0.1.10"), node, ttl), maxTtl);
    }

    @Test
    void aReadableRecordOnThePrimaryWithAShortTtlIsAllOk() {
        List<Finding> f = Preflight.evaluate(config, with(seen("oslo-db", 5, Duration.ofSeconds(60))));
        assertThat(f).filteredOn(x -> x.id().startsWith("traffic")).extracting(Finding::id, Finding::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("traffic-access", Severity.OK),
                        org.assertj.core.groups.Tuple.tuple("traffic-target", Severity.OK),
                        org.assertj.core.groups.Tuple.tuple("traffic-ttl", Severity.OK));
        assertThat(f).filteredOn(x -> x.id().equals("traffic-ttl")).singleElement().extracting(Finding::message).asString()
                .contains("live TTL 5s + detection 4s (checks 1s x 3 + timeout 1s) = 9s, within the RTO 5m");
        assertThat(Preflight.ready(f)).isTrue();
    }

    @Test
    void aTtlAboveMaxTtlIsAnErrorAndATtlThatBreaksTheRtoAWarning() {
        List<Finding> above = TrafficRules.ttl(config, with(seen("oslo-db", 300, Duration.ofSeconds(60))));
        assertThat(above).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("live TTL 5m is above max-ttl 1m");
        });
        // Allowed by a generous max-ttl, but 5m of TTL plus 4s of detection cannot fit a 5m RTO.
        List<Finding> slow = TrafficRules.ttl(config, with(seen("oslo-db", 300, Duration.ofHours(1))));
        assertThat(slow).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).contains("= 304s").contains("exceeds the RTO 5m");
        });
    }

    @Test
    void rejectedCredentialsAreAnErrorAndARecordOnTheStandbyAWarning() {
        TrafficObservation denied = new TrafficObservation(0, "powerdns app.example.org. A @ns:8081",
                "GET zone: HTTP 401: the API key was rejected", null, Duration.ofSeconds(60));
        List<Finding> f = Preflight.evaluate(config, with(denied));
        assertThat(f.get(0).id()).isEqualTo("traffic-access");
        assertThat(f.get(0).severity()).isEqualTo(Severity.ERROR);
        assertThat(f.get(0).message()).contains("traffic[0] powerdns app.example.org. A @ns:8081: GET zone: HTTP 401");
        assertThat(Preflight.ready(f)).isFalse();
        assertThat(f).extracting(Finding::id).doesNotContain("traffic-ttl", "traffic-target");

        assertThat(TrafficRules.target(config, with(seen("bergen-db", 5, Duration.ofSeconds(60))))).singleElement()
                .satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.WARNING);
                    assertThat(x.message()).contains("points at bergen-db [10.0.1.10], not at the live primary oslo-db");
                    assertThat(x.fix()).contains("vakt traffic apply");
                });
    }

    /** After a failover: bergen-db is writable and replicates from nobody, oslo-db is fenced (read-only, idle). */
    private Observations afterFailover(TrafficObservation t) {
        var oslo = States.primary().set("read_only", "ON");
        var bergen = States.standby().set("read_only", "OFF");
        bergen.replica = java.util.Optional.empty();
        Observations o = States.observations(config, oslo, bergen);
        return new Observations(o.primary(), o.standby(), o.primaryReplicationHosts(), o.standbyReplicationHosts(),
                o.canary(), o.secrets(), List.of(t), null);
    }

    @Test
    void afterAFailoverTrafficBelongsOnTheLivePrimaryNotTheConfiguredOne() {
        assertThat(TrafficRules.target(config, afterFailover(seen("bergen-db", 5, Duration.ofSeconds(60)))))
                .singleElement().satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.OK);
                    assertThat(x.node()).isEqualTo("bergen-db");
                    assertThat(x.message()).contains("points at bergen-db [10.0.1.10], the live primary"
                            + " (the config's role: still says oslo-db)");
                    assertThat(x.fix()).isNull();
                });
        assertThat(TrafficRules.target(config, afterFailover(seen("oslo-db", 5, Duration.ofSeconds(60)))))
                .singleElement().satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.WARNING);
                    assertThat(x.node()).isEqualTo("bergen-db");
                    assertThat(x.message()).contains("not at the live primary bergen-db (the config's role: says oslo-db)");
                    assertThat(x.fix()).contains("vakt traffic apply").contains("bergen-db");
                });
    }

    @Test
    void withoutASingleLivePrimaryNothingIsAdvised() {
        Observations h = States.healthy(config);
        Observations down = new Observations(no.vakt.db.NodeState.unreachable(config.primary(), "Connection refused"),
                h.standby(), null, h.standbyReplicationHosts(), h.canary(), h.secrets(),
                List.of(seen("oslo-db", 5, Duration.ofSeconds(60))), null);
        assertThat(TrafficRules.target(config, down)).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.INFO);
            assertThat(x.message()).contains("the live primary cannot be told (oslo-db unknown, bergen-db standby)");
            assertThat(x.fix()).isNull();
        });
    }
}
