package no.vakt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.failover.plan.StepName;
import no.vakt.lab.LabSite;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;

/**
 * bench/ha: kill -9 of the leading agent before a failover, during each of its steps (and in PROMOTE_STANDBY once
 * it acted, its result not yet recorded), and right after it. The
 * primary's database port is blocked (as block-ports does) so that the agents fail over; the agents hold in the step
 * the hold file names (test-only, {@code VAKT_TEST_STEP_HOLD}, set by bench/ha), where the bench kills the holder.
 * Each row: who took authority and when, how the run ended and who ended it, the most agents with authority and the
 * most writable servers seen in one sample. Between rows the old primary rejoins, so the rows alternate direction.
 */
final class HaStepKills {
    private enum When { BEFORE, DURING, ACTED, AFTER }

    private static final Duration RUN_END = Duration.ofSeconds(60);
    private final HaBench b;
    private final Path hold = Path.of(System.getenv().getOrDefault("VAKT_TEST_STEP_HOLD", "/nonexistent/step-hold"));

    HaStepKills(HaBench b) {
        this.b = b;
    }

    void run() throws Exception {
        if (System.getenv("VAKT_TEST_STEP_HOLD") == null) {
            b.out.println("kill -9 during the failover steps: not run (VAKT_TEST_STEP_HOLD unset: run it through bench/ha)");
            return;
        }
        row(When.BEFORE, null);
        for (StepName step : StepName.values()) row(When.DURING, step);
        // The point of no return done but its result not yet in ZooKeeper: the adopter must find it promoted.
        row(When.ACTED, StepName.PROMOTE_STANDBY);
        row(When.AFTER, null);
        osloPrimaryAgain();
    }

    /**
     * The rows alternate direction: after an odd number of failovers bergen-db is the primary, and the rows after
     * these (quorum, RTO drills, isolation) fault oslo-db as the config names it. A switchover through the leader.
     */
    private void osloPrimaryAgain() throws Exception {
        if (primaries().single().filter(LabSite.OSLO.nodeName()::equals).isPresent()) return;
        pause(Duration.ofSeconds(3)); // the cooldown (2 s)
        String leader = b.agents.awaitLeader(Duration.ofSeconds(20)).orElse(LabSite.BERGEN.siteName());
        int rc = b.vakt("switchover-to-oslo", "switchover", "--config", b.agents.configFile(leader).toString(),
                "--journal", b.agents.journal(leader).toString());
        b.out.printf("  switched back to oslo-db for the rows after these: %s; roles %s%n", rc == 0 ? "yes" : "NO (exit " + rc + ")",
                primaries().roles());
    }

    private void row(When when, StepName step) throws Exception {
        String label = switch (when) {
            case BEFORE -> "before the failover (primary blocked 1 s)";
            case DURING -> "during " + step.name();
            case ACTED -> "in " + step.name() + " after it acted (its result not yet in ZooKeeper)";
            case AFTER -> "right after the failover";
        };
        Optional<String> primaryNode = primaries().single();
        Optional<String> leader = b.agents.awaitLeader(Duration.ofSeconds(20));
        if (primaryNode.isEmpty() || leader.isEmpty()) {
            b.out.printf("kill -9 of the leading agent %s: not run (primary %s, leader %s)%n", label, primaryNode.orElse("none"),
                    leader.orElse("none"));
            return;
        }
        LabSite primary = site(primaryNode.get());
        String old = leader.get();
        String before = HaZooKeeper.currentRun(b.agents).map(v -> v.run().key()).orElse("");
        long epochBefore = HaZooKeeper.epoch(b.agents);
        int holds = b.agentLogLines(old, "test hold:", 1000).size();
        if (step != null) Files.writeString(hold, old + " " + step.name() + (when == When.ACTED ? " after\n" : " before\n"));
        String outcome;
        try (AuthoritySampler s = b.sampler()) {
            HaBench.await(Duration.ofSeconds(3), () -> !s.samples().isEmpty());
            long blocked = s.now();
            b.netns.addRules(primary, List.of(List.of("-p", "tcp", "--dport", "3306", "-j", "DROP")),
                    List.of(List.of("-p", "tcp", "--sport", "3306", "-j", "DROP")));
            boolean reached = switch (when) {
                case BEFORE -> pause(Duration.ofSeconds(1)); // inside the 3 s the checks need to call it DOWN
                case DURING, ACTED -> HaBench.await(Duration.ofSeconds(40), () -> logLines(old) > holds);
                case AFTER -> HaBench.await(RUN_END, () -> ended(before).isPresent());
            };
            long killed = s.now();
            b.agents.agent(old).running().ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            Files.deleteIfExists(hold);
            long other = HaBench.await(Duration.ofSeconds(20), () -> s.otherLeads(old, killed) >= 0) ? s.otherLeads(old, killed) : -1;
            Optional<ClusterRun> run = HaBench.await(RUN_END, () -> ended(before).isPresent()) ? ended(before) : Optional.empty();
            // A second failover after the one that ran would be wrong: the window stays watched a little longer.
            pause(Duration.ofSeconds(when == When.AFTER ? 8 : 2));
            b.netns.clearRules(primary);
            long cleared = s.now();
            HaBench.await(Duration.ofSeconds(4), () -> s.samples().stream().anyMatch(x -> x.ms() > cleared + 2000));
            outcome = String.format("%s%s: %s took authority %s after the kill (session timeout 4000 ms); run %s; epoch %d -> %d;"
                    + " most agents with authority in one sample %d, most writable servers in one sample %d%s; roles %s",
                    reached ? "" : "(the kill moment was not reached: killed " + (killed - blocked) + " ms after the block) ",
                    label, s.otherLeads(old, killed) >= 0 ? leaderAt(s, old, killed) : "NOBODY", other < 0 ? "NEVER" : (other - killed) + " ms",
                    run.map(HaStepKills::describe).orElse("not ended in " + RUN_END.toSeconds() + " s"), epochBefore,
                    HaZooKeeper.epoch(b.agents), s.maxLeaders(), s.maxWritable(), s.maxWritable() > 1 ? " (SPLIT BRAIN)" : "",
                    primaries().roles());
            if (s.maxLeaders() > 1 || s.maxWritable() > 1) b.out.print(s.changes());
        } finally {
            Files.deleteIfExists(hold);
        }
        b.out.printf("kill -9 of the leading agent %s %s%n", old, outcome);
        b.agents.startAgent(old);
        restore(primary);
    }

    /** The old primary rejoins when the standby took over; waits out the cooldown either way. */
    private void restore(LabSite oldPrimary) throws Exception {
        pause(Duration.ofSeconds(3)); // the cooldown (2 s)
        LivePrimaries now = primaries();
        if (now.single().isPresent() && !now.single().get().equals(oldPrimary.nodeName())) {
            String leader = b.agents.awaitLeader(Duration.ofSeconds(20)).orElse(LabSite.BERGEN.siteName());
            int rc = b.vakt("rejoin-" + oldPrimary.siteName(), "rejoin", "--config", b.agents.configFile(leader).toString(),
                    "--journal", b.agents.journal(leader).toString(), oldPrimary.nodeName(), "--discard-errant");
            b.out.printf("  %s rejoined: %s; roles %s%n", oldPrimary.nodeName(), rc == 0 ? "yes" : "NO (exit " + rc + ")",
                    primaries().roles());
        }
    }

    /** Waits out a fixed time on purpose (a window watched, a cooldown); true. */
    private static boolean pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
        return true;
    }

    private static String describe(ClusterRun r) {
        return r.key() + " " + r.fromNode() + " -> " + r.toNode() + " ended " + r.ending() + " by " + r.agent() + " (" + r.steps()
                .stream().map(x -> x.name() + ":" + (x.outcome() == null ? "open" : x.outcome()) + "/" + x.agent())
                .collect(Collectors.joining(" ")) + ")";
    }

    private static String leaderAt(AuthoritySampler s, String old, long from) {
        return s.samples().stream().filter(x -> x.ms() >= from).flatMap(x -> x.agents().entrySet().stream())
                .filter(e -> !e.getKey().equals(old) && e.getValue().role() == 'A').map(java.util.Map.Entry::getKey).findFirst()
                .orElse("NOBODY");
    }

    /** A run other than {@code before} that has ended. */
    private Optional<ClusterRun> ended(String before) {
        return HaZooKeeper.currentRun(b.agents).map(ZooKeeperRuns.Versioned::run)
                .filter(r -> !r.key().equals(before) && !r.running());
    }

    private int logLines(String member) {
        try {
            return b.agentLogLines(member, "test hold:", 1000).size();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private LivePrimaries primaries() {
        VaktConfig cfg = ConfigLoader.load(b.config());
        return LivePrimaries.of(StatusProbe.forConfig(cfg).inspectAll(cfg));
    }

    private static LabSite site(String node) {
        for (LabSite s : LabSite.values()) if (s.nodeName().equals(node)) return s;
        throw new IllegalArgumentException("no lab site for " + node);
    }
}
