package no.vakt.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.config.CoordinationConfig;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.ZooKeeperRuns;

/**
 * {@code vakt history} with agents: the cluster's failovers as ZooKeeper keeps them ({@code /runs}, every agent's,
 * with the agent that ran each step), printed before this agent's own journal. Unreadable: said, not fatal.
 *
 * @param error why ZooKeeper could not be read; null when {@code runs} is its answer
 */
record ClusterHistory(CoordinationConfig config, List<ClusterRun> runs, String error) {
    static ClusterHistory read(CoordinationConfig config, int limit) {
        try {
            return new ClusterHistory(config, ZooKeeperRuns.history(config, limit), null);
        } catch (ZooKeeperRuns.Unavailable e) {
            return new ClusterHistory(config, List.of(), e.getMessage());
        }
    }

    void json(Map<String, Object> doc) {
        doc.put("cluster_failovers", runs);
        if (error != null) doc.put("cluster_failovers_error", error);
    }

    void print(PrintWriter out) {
        out.println("Cluster failovers (ZooKeeper " + config.zookeeper() + config.chroot() + ", every agent's; newest first): "
                + (error != null ? "not readable: " + error : runs.isEmpty() ? "none" : ""));
        for (ClusterRun r : runs) {
            out.printf("  %s %s %s -> %s, %s, trigger %s, mode %s, epoch %d, by agent %s%s%n", r.key(), r.startedAt(),
                    r.fromNode(), r.toNode(), r.ending() == null ? "running" : r.ending().forPeople(), r.trigger(), r.mode(),
                    r.epoch(), r.agent(), r.endedAt() == null ? "" : ", took " + Duration.between(r.startedAt(), r.endedAt()).toMillis() + " ms");
            if (r.summary() != null) out.println("     " + r.summary());
            int seq = 1;
            for (ClusterRun.Step s : r.steps()) {
                String took = s.endedAt() == null ? "?" : Duration.between(s.startedAt(), s.endedAt()).toMillis() + " ms";
                out.printf("     %d. %-18s %-8s %8s  %s: %s%n", seq++, s.name(), s.outcome() == null ? "running" : s.outcome().label(),
                        took, s.agent(), s.detail() == null ? "" : s.detail());
            }
        }
    }
}
