package no.vakt.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;

/** What the steps share: the config, the plan, open admin sessions to both nodes, and limits. */
public final class BootstrapContext {
    public final VaktConfig config;
    public final Observation observed;
    public final BootstrapPlan plan;
    public final DbSession primary;
    public final DbSession standby;
    public final Secrets secrets;
    public final Limits limits;
    public final Clock clock;
    public final NodeInspector inspector;
    private final String rerun;
    private final List<String> notes = new ArrayList<>();

    /** Passwords, resolved once; never printed. */
    public record Secrets(String primaryAdmin, String standbyAdmin, String replication) {
        @Override
        public String toString() {
            return "Secrets[hidden]";
        }
    }

    /** Bounds: how long to wait for the replica threads, semi-sync clients, and the seed copy. */
    public record Limits(Duration replicaStart, Duration semiSyncClient, Duration seed, Duration poll) {
        public static final Limits DEFAULT =
                new Limits(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(6), Duration.ofMillis(200));
    }

    public BootstrapContext(VaktConfig config, Observation observed, BootstrapPlan plan, DbSession primary,
            DbSession standby, Secrets secrets, Limits limits, Clock clock, NodeInspector inspector) {
        this(config, observed, plan, primary, standby, secrets, limits, clock, inspector, "vakt replicate");
    }

    /** @param rerun the command that runs this bootstrap again, for advice ("vakt replicate --config FILE") */
    public BootstrapContext(VaktConfig config, Observation observed, BootstrapPlan plan, DbSession primary,
            DbSession standby, Secrets secrets, Limits limits, Clock clock, NodeInspector inspector, String rerun) {
        this.rerun = rerun;
        this.config = config;
        this.observed = observed;
        this.plan = plan;
        this.primary = primary;
        this.standby = standby;
        this.secrets = secrets;
        this.limits = limits;
        this.clock = clock;
        this.inspector = inspector;
    }

    /** The command that runs this bootstrap again, e.g. {@code vakt replicate --config /etc/vakt/vakt.yml}. */
    public String rerun() {
        return rerun;
    }

    public Node primaryNode() {
        return config.primary();
    }

    public Node standbyNode() {
        return config.standby();
    }

    /** An extra line printed under the current step's line (a warning, an operator hint). */
    public void note(String line) {
        notes.add(line);
    }

    List<String> drainNotes() {
        List<String> out = List.copyOf(notes);
        notes.clear();
        return out;
    }
}
