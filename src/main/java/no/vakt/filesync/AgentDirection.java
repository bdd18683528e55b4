package no.vakt.filesync;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/**
 * File sync with agents (docs/ha.md): the direction follows the cluster's record, not only this agent's journal
 * (a failover another agent ran is in ZooKeeper's {@code /runs}, not here); only the agent on the source's host
 * pushes (inotify sees the uploads only there), and only while that direction is as new as the epoch in
 * ZooKeeper (a failover under way has moved the epoch before its record exists). The agent of a
 * node is the one named like the node or like its site ({@code agent: oslo} runs on site oslo's database
 * host); a witness matches no node and never pushes. Any other agent gets the direction held
 * ({@link #ELSEWHERE}): nothing is pushed from it, and its status says why.
 */
public final class AgentDirection implements Supplier<SyncDirection> {
    /** The reason of a held direction: the files are pushed elsewhere, or not until this journal catches up. */
    public static final String ELSEWHERE = "elsewhere";

    private final VaktConfig config;
    private final String agent;
    private final Supplier<SyncDirection> journaled;
    private final Supplier<OptionalLong> clusterEpoch;
    private final LongFunction<Optional<SyncDirection>> cluster;

    /**
     * @param journaled the direction as this agent's journal and the servers say ({@link LiveDirection})
     * @param clusterEpoch ZooKeeper's epoch as last seen (never blocking)
     * @param cluster the direction the cluster's record sets, asked only when ZooKeeper's epoch (the argument) is
     *     ahead of the journaled one
     */
    AgentDirection(VaktConfig config, String agent, Supplier<SyncDirection> journaled, Supplier<OptionalLong> clusterEpoch,
            LongFunction<Optional<SyncDirection>> cluster) {
        this.config = config;
        this.agent = agent;
        this.journaled = journaled;
        this.clusterEpoch = clusterEpoch;
        this.cluster = cluster;
    }

    @Override
    public SyncDirection get() {
        return here(journaled.get());
    }

    /** {@code d} as this agent applies it: a failover's or rejoin's direction goes through the same rule. */
    public SyncDirection here(SyncDirection d) {
        OptionalLong epoch = clusterEpoch.get();
        Optional<SyncDirection> record = epoch.isPresent() && epoch.getAsLong() > d.epoch()
                ? cluster.apply(epoch.getAsLong()) : Optional.empty();
        return decide(config, agent, d, record, epoch);
    }

    /**
     * Pure: the direction in force is the journaled one, or the cluster record's when that is of a newer epoch; it
     * is returned when this agent pushes it, else held with a text that says why.
     */
    static SyncDirection decide(VaktConfig config, String agent, SyncDirection journaled, Optional<SyncDirection> record,
            OptionalLong clusterEpoch) {
        SyncDirection d = record.filter(r -> r.epoch() > journaled.epoch()).orElse(journaled);
        Optional<Node> source = config.node(d.source());
        boolean here = source.isPresent() && (agent.equals(source.get().name())
                || agent.equals(config.siteOf(source.get()).name()));
        if (!here) {
            return held(d, d.source() + " is the source; its host's agent pushes, not agent " + agent);
        }
        if (clusterEpoch.isPresent() && clusterEpoch.getAsLong() > d.epoch()) {
            return held(d, "the direction is of epoch " + d.epoch() + ", ZooKeeper's epoch is "
                    + clusterEpoch.getAsLong() + ": a failover is under way or not yet in the cluster's record;"
                    + " no push until it is");
        }
        return d;
    }

    private static SyncDirection held(SyncDirection d, String why) {
        return new SyncDirection(d.source(), null, d.epoch(), ELSEWHERE + ": " + why);
    }
}
