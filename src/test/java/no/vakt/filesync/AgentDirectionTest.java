package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

/** With agents only the agent on the source's host pushes, and not while its journal is behind ZooKeeper's epoch. */
class AgentDirectionTest {
    /** Two sites, oslo (the primary) and bergen, without files: (the tests of this package add theirs). */
    static final String PAIR = """
            cluster: shop
            sites:
              - name: oslo
                country: NO
                nodes: [{name: oslo-db, role: primary, mysql: {host: 127.0.0.1, port: 1, user: vakt, password-env: PW}}]
              - name: bergen
                country: NO
                nodes: [{name: bergen-db, role: standby, mysql: {host: 127.0.0.1, port: 2, user: vakt, password-env: PW}}]
            replication: {user: repl, password-env: PW, databases: [shop]}
            """;
    private static final VaktConfig CONFIG = ConfigLoader.parse(Path.of("vakt.yml"), PAIR);
    private static final SyncDirection OSLO_TO_BERGEN = new SyncDirection("oslo-db", "bergen-db", 4, "initial");
    private static final Optional<SyncDirection> NO_RECORD = Optional.empty();
    /** The cluster's record of a failover another agent ran: bergen-db promoted at epoch 5. */
    private static final Optional<SyncDirection> BERGEN_PROMOTED =
            Optional.of(new SyncDirection("bergen-db", null, 5, "failover by agent oslo"));

    @Test
    void theAgentNamedLikeTheSourcesSiteOrNodePushes() {
        assertThat(AgentDirection.decide(CONFIG, "oslo", OSLO_TO_BERGEN, NO_RECORD, NO_RECORD, OptionalLong.of(4))).isEqualTo(OSLO_TO_BERGEN);
        assertThat(AgentDirection.decide(CONFIG, "oslo-db", OSLO_TO_BERGEN, NO_RECORD, NO_RECORD, OptionalLong.empty())).isEqualTo(OSLO_TO_BERGEN);
    }

    @Test
    void anyOtherAgentHoldsAndSaysWhy() {
        for (String agent : new String[] {"bergen", "witness"}) {
            SyncDirection d = AgentDirection.decide(CONFIG, agent, OSLO_TO_BERGEN, NO_RECORD, NO_RECORD, OptionalLong.of(4));
            assertThat(d.paused()).isTrue();
            assertThat(d.reason()).isEqualTo("elsewhere: oslo-db is the source; its host's agent pushes, not agent " + agent);
        }
    }

    @Test
    void theSourcesAgentHoldsWhileZooKeepersEpochIsAheadOfTheDirection() {
        SyncDirection d = AgentDirection.decide(CONFIG, "oslo", OSLO_TO_BERGEN, NO_RECORD, NO_RECORD, OptionalLong.of(5));
        assertThat(d.paused()).isTrue();
        assertThat(d.reason()).startsWith("elsewhere: the direction is of epoch 4, ZooKeeper's epoch is 5");
    }

    @Test
    void theClusterRecordOfANewerEpochIsTheDirectionOnTheNewSourcesAgent() {
        assertThat(AgentDirection.decide(CONFIG, "bergen", OSLO_TO_BERGEN, NO_RECORD, BERGEN_PROMOTED, OptionalLong.of(5)))
                .isEqualTo(BERGEN_PROMOTED.get());
    }

    @Test
    void theOldSourcesAgentHoldsOnceTheClusterRecordMovedTheSource() {
        SyncDirection d = AgentDirection.decide(CONFIG, "oslo", OSLO_TO_BERGEN, NO_RECORD, BERGEN_PROMOTED, OptionalLong.of(5));
        assertThat(d.source()).isEqualTo("bergen-db");
        assertThat(d.reason()).isEqualTo("elsewhere: bergen-db is the source; its host's agent pushes, not agent oslo");
    }

    @Test
    void theJournalsDirectionOfTheRecordsEpochWinsOverTheRecord() {
        // A rejoin journaled on this agent after the failover: files flow back to the rejoined node.
        SyncDirection rejoined = new SyncDirection("bergen-db", "oslo-db", 5, "rejoin");
        assertThat(AgentDirection.decide(CONFIG, "bergen", rejoined, NO_RECORD, BERGEN_PROMOTED, OptionalLong.of(5))).isEqualTo(rejoined);
    }

    @Test
    void theClustersSharedDirectionOfTheSameEpochWinsOverThisJournal() {
        // A rejoin another agent ran after the failover: this (the source's) agent journaled only the failover's pause.
        SyncDirection rejoined = new SyncDirection("bergen-db", "oslo-db", 5, "rejoin (by agent oslo)");
        assertThat(AgentDirection.decide(CONFIG, "bergen", BERGEN_PROMOTED.get(), Optional.of(rejoined), NO_RECORD,
                OptionalLong.of(5))).isEqualTo(rejoined);
        // An older shared direction (this agent's own journal is ahead, being published) does not.
        assertThat(AgentDirection.decide(CONFIG, "bergen", rejoined, Optional.of(OSLO_TO_BERGEN), NO_RECORD,
                OptionalLong.of(5))).isEqualTo(rejoined);
    }

    @Test
    void noAgentPushesWhileZooKeepersEpochIsAheadOfTheRecord() {
        SyncDirection d = AgentDirection.decide(CONFIG, "bergen", OSLO_TO_BERGEN, NO_RECORD, BERGEN_PROMOTED, OptionalLong.of(6));
        assertThat(d.paused()).isTrue();
        assertThat(d.reason()).startsWith("elsewhere: the direction is of epoch 5, ZooKeeper's epoch is 6");
    }
}
