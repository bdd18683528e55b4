package no.vakt.filesync;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.SharedDirection;

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
    private final Supplier<Optional<SharedDirection.Direction>> mine;
    private final SharedDirection shared;
    private final Supplier<OptionalLong> clusterEpoch;
    private final LongFunction<Optional<SyncDirection>> cluster;

    /**
     * @param journaled the direction as this agent's journal and the servers say ({@link LiveDirection})
     * @param mine this journal's newest direction with its time, offered to the cluster when newer than the cluster's
     * @param shared the cluster's direction in ZooKeeper; null: none (only the runs' record)
     * @param clusterEpoch ZooKeeper's epoch as last seen (never blocking)
     * @param cluster the direction the cluster's record of runs sets, asked only when ZooKeeper's epoch (the
     *     argument) is ahead of both directions above (a run under way, or an agent that died before publishing)
     */
    AgentDirection(VaktConfig config, String agent, Supplier<SyncDirection> journaled,
            Supplier<Optional<SharedDirection.Direction>> mine, SharedDirection shared, Supplier<OptionalLong> clusterEpoch,
            LongFunction<Optional<SyncDirection>> cluster) {
        this.config = config;
        this.agent = agent;
        this.journaled = journaled;
        this.mine = mine;
        this.shared = shared;
        this.clusterEpoch = clusterEpoch;
        this.cluster = cluster;
    }

    @Override
    public SyncDirection get() {
        return here(journaled.get());
    }

    /** {@code d} as this agent applies it: a failover's or rejoin's direction goes through the same rule. */
    public SyncDirection here(SyncDirection d) {
        Optional<SharedDirection.Direction> own = mine.get();
        Optional<SharedDirection.Direction> there = shared == null ? Optional.empty() : shared.current();
        // This agent decided the newest direction (its journal's is newer than the cluster's): every agent must follow it.
        if (shared != null) own.filter(m -> there.isEmpty() || SharedDirection.ORDER.compare(m, there.get()) > 0)
                .ifPresent(shared::offer);
        Optional<SyncDirection> sharedNow = there
                .filter(t -> own.isEmpty() || SharedDirection.ORDER.compare(t, own.get()) >= 0)
                .map(t -> new SyncDirection(t.source(), t.target(), t.epoch(), t.reason() + " (by agent " + t.agent() + ")"));
        long known = Math.max(d.epoch(), sharedNow.map(SyncDirection::epoch).orElse(0L));
        OptionalLong epoch = clusterEpoch.get();
        Optional<SyncDirection> record = epoch.isPresent() && epoch.getAsLong() > known
                ? cluster.apply(epoch.getAsLong()) : Optional.empty();
        return decide(config, agent, d, sharedNow, record, epoch);
    }

    /**
     * Pure: the direction in force is the cluster's shared one when it is not older than the journaled one (a rejoin
     * another agent ran keeps the failover's epoch), else the journaled one; the runs' record replaces it when of a
     * newer epoch. It is returned when this agent pushes it, else held with a text that says why.
     */
    static SyncDirection decide(VaktConfig config, String agent, SyncDirection journaled, Optional<SyncDirection> shared,
            Optional<SyncDirection> record, OptionalLong clusterEpoch) {
        SyncDirection base = shared.filter(s -> s.epoch() >= journaled.epoch()).orElse(journaled);
        SyncDirection d = record.filter(r -> r.epoch() > base.epoch()).orElse(base);
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
