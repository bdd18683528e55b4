package no.vakt.check;

import static no.vakt.check.States.config;
import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Optional;
import no.vakt.check.RoleRules.Clarity;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import org.junit.jupiter.api.Test;

/** live-roles over hand-made observations, ordered as the probe orders them (the live primary first). */
class RoleRulesTest {
    private final VaktConfig config = config();

    private NodeState writable(no.vakt.config.Node node) {
        var n = primary();
        return n.build(node);
    }

    private NodeState readOnlyAlone(no.vakt.config.Node node) {
        var n = standby();
        n.replica = Optional.empty();
        return n.build(node);
    }

    private Observations observations(NodeState primary, NodeState standby, RoleEvidence roles) {
        return new Observations(primary, standby, List.of("10.0.0.1"), List.of("10.0.0.1"),
                CanaryResult.skipped("no single live primary to write it on"), List.of(), List.of(), null, roles, null);
    }

    @Test
    void clarityOfEachPairOfStatesInEitherOrder() {
        NodeState p = primary().build(config);
        NodeState s = standby().build(config);
        NodeState down = NodeState.unreachable(config.primary(), "Connection refused");
        NodeState idle = readOnlyAlone(config.standby());

        assertThat(RoleRules.clarity(p, s)).isEqualTo(Clarity.CLEAR);
        assertThat(RoleRules.clarity(s, p)).isEqualTo(Clarity.CLEAR);
        assertThat(RoleRules.clarity(p, writable(config.standby()))).isEqualTo(Clarity.TWO_WRITABLE);
        assertThat(RoleRules.clarity(readOnlyAlone(config.primary()), idle)).isEqualTo(Clarity.NONE_WRITABLE);
        assertThat(RoleRules.clarity(readOnlyAlone(config.primary()), s)).isEqualTo(Clarity.NONE_WRITABLE);
        // A dead primary answers nothing, but its standby still says whom it follows.
        assertThat(RoleRules.clarity(down, s)).isEqualTo(Clarity.CLEAR);
        assertThat(RoleRules.clarity(idle, down)).isEqualTo(Clarity.UNKNOWN);
        assertThat(RoleRules.clarity(down, NodeState.unreachable(config.standby(), "Connection refused")))
                .isEqualTo(Clarity.UNKNOWN);
    }

    @Test
    void clearAndAsConfiguredIsOk() {
        assertThat(RoleRules.liveRoles(config, States.healthy(config))).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("live-roles");
            assertThat(f.severity()).isEqualTo(Severity.OK);
            assertThat(f.node()).isNull();
            assertThat(f.message()).startsWith("live primary oslo-db, standby bergen-db, as the config's role: fields say")
                    .contains("bergen-db read-only, replicates from 10.0.1.10:3306");
        });
    }

    @Test
    void clearButReversedIsInfoAndNotAProblem() {
        assertThat(RoleRules.liveRoles(config, States.reversed(config))).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).startsWith("live primary bergen-db, standby oslo-db")
                    .contains("the config's role: fields are the wrong way round (they name oslo-db the primary)",
                            "Vakt uses the live roles");
            assertThat(f.fix()).isNull();
        });
    }

    @Test
    void reversedPairHasTheSameFindingsAsTheConfiguredOnePlusTheInfo() {
        // The same servers, judged once with the config's role: fields reversed and once with them matching.
        Observations live = States.reversed(config);
        VaktConfig matching = config(RoleRulesTest::swapRoles);
        assertThat(matching.primary().name()).isEqualTo("bergen-db");
        Observations asConfigured = States.livePair(matching, matching.primary(), matching.standby());

        List<Finding> findings = Preflight.evaluate(config, live);
        assertThat(problems(findings)).containsExactlyInAnyOrderElementsOf(concat(
                problems(Preflight.evaluate(matching, asConfigured)), List.of(tuple("live-roles", null, Severity.INFO))));
        assertThat(Preflight.ready(findings)).isTrue();
        // Every rule judged the live roles: the live primary is the writable one, the standby follows it.
        assertThat(findings).filteredOn(f -> f.id().equals("replica-configured")).singleElement()
                .satisfies(f -> assertThat(f.node()).isEqualTo("oslo-db"));
        assertThat(findings).filteredOn(f -> f.id().equals("log-bin")).singleElement()
                .satisfies(f -> assertThat(f.node()).isEqualTo("bergen-db"));
    }

    @Test
    void twoWritableWithAnEpochDifferenceNamesTheOneToFence() {
        NodeState p = writable(config.standby()); // promoted last: epoch 3
        NodeState s = writable(config.primary());
        var f = RoleRules.liveRoles(config, observations(p, s, new RoleEvidence(3L, 2L, null)));

        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("both nodes are writable and replicate from nobody",
                    "bergen-db holds the higher epoch (3 against 2): it was promoted last");
            assertThat(x.fix()).startsWith("fence the old one, on oslo-db: SET GLOBAL read_only = ON; then vakt rejoin oslo-db");
        });
    }

    @Test
    void twoWritableWithoutAnEpochDifferenceSaysHowToFindTheRightOne() {
        NodeState p = writable(config.primary());
        NodeState s = writable(config.standby());
        for (RoleEvidence e : List.of(RoleEvidence.NONE, new RoleEvidence(4L, 4L, "oslo-db"))) {
            assertThat(RoleRules.liveRoles(config, observations(p, s, e))).singleElement().satisfies(x -> {
                assertThat(x.severity()).isEqualTo(Severity.ERROR);
                assertThat(x.message()).doesNotContain("higher epoch");
                assertThat(x.fix()).contains("vakt traffic show", "gtid_binlog_pos", "vakt rejoin <that node>");
            });
        }
    }

    @Test
    void noneWritableIsAnErrorWithTheFixForWhatEachNodeDoes() {
        // The standby still follows a primary left read-only (fenced, or an interrupted switchover).
        var fenced = RoleRules.liveRoles(config, observations(readOnlyAlone(config.primary()),
                standby().build(config), RoleEvidence.NONE));
        assertThat(fenced).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.message()).contains("there is no live primary");
            assertThat(x.fix()).contains("on oslo-db: SET GLOBAL read_only = OFF", "vakt promote --confirm",
                    "restarted", "vakt run opens it when it restarted read-only and is the settled primary");
        });

        var idle = RoleRules.liveRoles(config, observations(readOnlyAlone(config.primary()),
                readOnlyAlone(config.standby()), RoleEvidence.NONE));
        assertThat(idle).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.ERROR);
            assertThat(x.fix()).contains("compare gtid_binlog_pos on both", "SET GLOBAL read_only = OFF");
        });
    }

    @Test
    void unknownIsInfoAndSaysWhatDecided() {
        NodeState down = NodeState.unreachable(config.primary(), "Connection refused");
        NodeState idle = readOnlyAlone(config.standby());
        assertThat(RoleRules.liveRoles(config, observations(down, idle, RoleEvidence.NONE))).singleElement()
                .satisfies(x -> {
                    assertThat(x.severity()).isEqualTo(Severity.INFO);
                    assertThat(x.message()).contains("the servers cannot tell which node is the primary",
                            "oslo-db does not answer", "judged with oslo-db as the primary (the config's role:)");
                });

        // The journal's last promotion named the silent configured standby: the probe put it first.
        NodeState standbyDown = NodeState.unreachable(config.standby(), "Connection refused");
        var byJournal = RoleRules.liveRoles(config, observations(standbyDown, readOnlyAlone(config.primary()),
                new RoleEvidence(null, null, "bergen-db")));
        assertThat(byJournal).singleElement().satisfies(x -> assertThat(x.message())
                .contains("judged with bergen-db as the primary (the journal's last promotion)"));
    }

    @Test
    void nothingToSayWithoutStatesOrWithoutAnAnswer() {
        assertThat(RoleRules.liveRoles(config, new Observations(null, null, null, null, null, null))).isEmpty();
        NodeState a = NodeState.unreachable(config.primary(), "Connection refused");
        NodeState b = NodeState.unreachable(config.standby(), "Connection refused");
        assertThat(RoleRules.liveRoles(config, observations(a, b, RoleEvidence.NONE))).isEmpty();
        // Only the config, no server: jurisdiction still runs and names the config's roles.
        assertThat(PlacementRules.jurisdictions(config, new Observations(null, null, null, null, null, null)))
                .extracting(Finding::severity).containsOnly(Severity.OK);
    }

    private static List<org.assertj.core.groups.Tuple> problems(List<Finding> findings) {
        return findings.stream().filter(f -> f.severity() != Severity.OK)
                .map(f -> tuple(f.id(), f.node(), f.severity())).toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The config's role: fields swapped, nothing else. */
    private static String swapRoles(String yaml) {
        return yaml.replace("role: primary", "role: X").replace("role: standby", "role: primary")
                .replace("role: X", "role: standby");
    }
}
