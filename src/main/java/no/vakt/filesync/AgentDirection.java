package no.vakt.filesync;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/**
 * File sync with agents (docs/ha.md): only the agent on the source's host pushes (inotify sees the uploads
 * only there), and only while its journal's direction is as new as the epoch in ZooKeeper. The agent of a
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

    /**
     * @param journaled the direction as this agent's journal and the servers say ({@link LiveDirection})
     * @param clusterEpoch ZooKeeper's epoch as last seen (never blocking)
     */
    public AgentDirection(VaktConfig config, String agent, Supplier<SyncDirection> journaled,
            Supplier<OptionalLong> clusterEpoch) {
        this.config = config;
        this.agent = agent;
        this.journaled = journaled;
        this.clusterEpoch = clusterEpoch;
    }

    @Override
    public SyncDirection get() {
        return decide(config, agent, journaled.get(), clusterEpoch.get());
    }

    /** {@code d} as this agent applies it: a failover's or rejoin's direction goes through the same rule. */
    public SyncDirection here(SyncDirection d) {
        return decide(config, agent, d, clusterEpoch.get());
    }

    /** Pure: {@code d} when this agent pushes it, else a held direction whose text says why. */
    static SyncDirection decide(VaktConfig config, String agent, SyncDirection d, OptionalLong clusterEpoch) {
        Optional<Node> source = config.node(d.source());
        boolean here = source.isPresent() && (agent.equals(source.get().name())
                || agent.equals(config.siteOf(source.get()).name()));
        if (!here) {
            return held(d, d.source() + " is the source; its host's agent pushes, not agent " + agent);
        }
        if (clusterEpoch.isPresent() && clusterEpoch.getAsLong() > d.epoch()) {
            return held(d, "this agent's direction is of epoch " + d.epoch() + ", ZooKeeper's epoch is "
                    + clusterEpoch.getAsLong() + ": another agent failed over; no push until this agent's journal"
                    + " has that failover's direction");
        }
        return d;
    }

    private static SyncDirection held(SyncDirection d, String why) {
        return new SyncDirection(d.source(), null, d.epoch(), ELSEWHERE + ": " + why);
    }
}
