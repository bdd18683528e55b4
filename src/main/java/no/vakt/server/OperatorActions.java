package no.vakt.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.Decision;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.failover.plan.Refusal;
import no.vakt.failover.plan.Trigger;
import no.vakt.failover.planned.Switchover;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.roles.LivePrimaries;
import no.vakt.status.StatusProbe;
import no.vakt.traffic.TrafficSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POST calls: approve a failover (manual mode), a planned switchover, applying the traffic switch.
 * Each is the same code the CLI runs, journaled as an operator action when asked and again with its
 * result. One action at a time: a second caller gets 409 at once instead of queueing behind a failover.
 */
final class OperatorActions {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorActions.class);

    private final VaktConfig config;
    private final Journal journal;
    private final FailoverRunner runner;
    private final TrafficSwitch traffic;
    private final Clock clock;
    private final Supplier<Approval> approval;
    private final OperatorCommands commands;
    private final ReentrantLock busy = new ReentrantLock();
    /** Failovers searched for the switchover just run: it is the newest unless another process started one since. */

    OperatorActions(VaktConfig config, Journal journal, FailoverRunner runner, TrafficSwitch traffic, Clock clock,
            Supplier<Approval> approval, OperatorCommands commands) {
        this.config = config;
        this.journal = journal;
        this.runner = runner;
        this.traffic = traffic;
        this.clock = clock;
        this.approval = approval;
        this.commands = commands;
    }

    /**
     * Runs what {@code vakt promote --confirm} runs, only while a failover awaits approval. The RPO still
     * applies: a promotion that would lose more is refused (409) with the {@code --force} command.
     *
     * <p>A failover that completed with its traffic switch failed is still 200 (the promotion happened and
     * cannot be taken back; the epoch moved), with {@code traffic_pending: true}, the outcome label
     * {@code completed, traffic pending} and a message naming {@code vakt traffic apply --config ...}
     * ({@code traffic_command}); {@code vakt promote} exits 1 for it, the HTTP status cannot say "done, but".
     */
    ActionResult approveFailover(String client) {
        return exclusive("approve-failover", client, () -> {
            Approval a = approval.get();
            if (!a.awaiting()) {
                return finish("approve-failover", client, a.from(), "not run: " + a.reason(),
                        new ActionResult(409, error("no_failover_awaiting", "no failover awaits approval: " + a.reason())));
            }
            if (runner == null) {
                return finish("approve-failover", client, a.to(), "not run: no failover runner",
                        new ActionResult(503, error("unavailable", "this server cannot run failovers")));
            }
            journal(client, a.to(), "operator (API): approve failover " + a.from() + " -> " + a.to() + " requested",
                    Map.of("action", "approve-failover", "from", a.from(), "to", a.to()));
            // As `vakt promote --confirm`, but the loss is measured from the monitor's last heartbeat on the
            // dead primary: an approval minutes later must not count those minutes as lost writes.
            FailoverRunner.Outcome outcome = runner.run(new FailoverRunner.Request(Trigger.operator(true, false), null,
                    a.primaryLastHeartbeat(), null));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("decision", outcome.plan().decision().name());
            body.put("from", outcome.plan().fromNode());
            body.put("to", outcome.plan().toNode());
            body.put("completed", outcome.completed());
            // outcome: the journal's word; label: for people ("completed, traffic pending"), as in /api/history.
            body.put("outcome", outcome.execution() == null ? null : outcome.execution().outcome().label());
            body.put("ending", outcome.execution() == null || outcome.execution().ending() == null ? null
                    : outcome.execution().ending().label());
            body.put("label", outcome.execution() == null ? null : outcome.execution().label());
            body.put("promoted", outcome.execution() != null && outcome.execution().promoted());
            body.put("traffic_pending", outcome.trafficPending());
            body.put("failover_id", outcome.record() == null ? null : outcome.record().id());
            body.put("epoch", outcome.plan().newEpoch());
            body.put("steps", outcome.renderSteps());
            if (outcome.plan().decision() == Decision.REFUSE) {
                body.put("error", "refused");
                body.put("message", "promotion refused: " + String.join("; ",
                        outcome.plan().refusals().stream().map(Refusal::toString).toList()));
                body.put("override_command", outcome.plan().approveCommand());
                return finish("approve-failover", client, a.to(), "refused", new ActionResult(409, body));
            }
            if (!outcome.completed()) {
                String detail = outcome.execution() == null ? outcome.plan().decision().name() : outcome.execution().detail();
                body.put("error", "failover_failed");
                body.put("message", (outcome.execution() != null && outcome.execution().promoted()
                        ? a.to() + " was promoted (the later steps ran), but the failover did not complete: "
                        : "the failover did not complete: ") + detail);
                return finish("approve-failover", client, a.to(), "did not complete: " + detail, new ActionResult(500, body));
            }
            if (outcome.trafficPending()) {
                body.put("message", "promoted " + a.to() + " (epoch " + outcome.plan().newEpoch() + "), but traffic is"
                        + " PENDING: the traffic switch failed (see HANDOVER), users may still be sent to " + a.from()
                        + "; vakt run retries the switch; once the cause is fixed, by hand: " + commands.trafficApply());
                body.put("traffic_command", commands.trafficApply());
            }
            return finish("approve-failover", client, a.to(), outcome.execution().label() + " (failover "
                    + body.get("failover_id") + ")", new ActionResult(200, body));
        });
    }

    /**
     * Runs what {@code vakt switchover} runs. A switchover that completed with its traffic switch failed is
     * 200 with {@code traffic_pending: true} and the {@code vakt traffic apply --config ...} command (the
     * roles are swapped; {@code vakt switchover} exits 1 for it).
     */
    ActionResult switchover(Duration timeout, boolean dryRun, String client) {
        return exclusive("switchover", client, () -> {
            journal(client, null, "operator (API): switchover requested" + (dryRun ? " (dry run)" : ""),
                    Map.of("action", "switchover", "timeout-ms", timeout.toMillis(), "dry-run", dryRun));
            StringWriter text = new StringWriter();
            Switchover.Result r;
            try (PrintWriter out = new PrintWriter(text)) {
                Switchover.Options options = new Switchover.Options(timeout, Duration.ofSeconds(30), dryRun);
                Switchover s = new Switchover(journal, traffic, clock, config.policy().checks().timeout().plusSeconds(2),
                        commands);
                // The daemon's one run: gated and, with agents, recorded in ZooKeeper like its failovers.
                r = runner == null ? s.run(config, options, out)
                        : runner.planned((gate, recorder) -> s.gated(gate).recorded(recorder).run(config, options, out));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("outcome", r.outcome().name());
            body.put("from", r.from());
            body.put("to", r.to());
            body.put("write_unavailable_ms", r.writeUnavailable() == null ? null : r.writeUnavailable().toMillis());
            body.put("epoch", r.epoch());
            body.put("ending", r.ending() == null ? null : r.ending().label());
            body.put("label", label(r));
            body.put("promoted", r.promoted());
            body.put("traffic_pending", r.trafficPending());
            body.put("detail", r.detail());
            body.put("output", text.toString());
            int status = switch (r.outcome()) {
                case COMPLETED, DRY_RUN -> 200;
                case REFUSED -> 409;
                case ABORTED -> 500;
            };
            String outcome = label(r);
            if (status != 200) {
                body.put("error", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
                body.put("message", "switchover " + outcome + ": " + r.detail()
                        + (r.trafficPending() ? "; traffic to " + r.to() + " is pending too: " + commands.trafficApply() : ""));
            } else if (r.trafficPending()) {
                body.put("message", "switchover completed: " + r.to() + " is the primary (epoch " + r.epoch() + "), but"
                        + " traffic is PENDING: the traffic switch failed, users may still be sent to " + r.from()
                        + "; vakt run retries the switch; once the cause is fixed, by hand: " + commands.trafficApply());
            }
            if (r.trafficPending()) body.put("traffic_command", commands.trafficApply());
            // The summary of a completed one starts "traffic pending: "; the outcome says so already.
            String detail = ExecutionResult.afterLabel(r.ending(), r.detail());
            return finish("switchover", client, r.to(), outcome + (detail == null ? "" : ": " + detail),
                    new ActionResult(status, body));
        });
    }

    /**
     * Runs what {@code vakt promote --confirm [--force]} runs: the CLI hands it here while this daemon holds the
     * cluster. The answer carries the plan and the steps ({@code output}) and the same fields as an approval.
     */
    ActionResult promote(boolean force, String client) {
        return exclusive("promote", client, () -> {
            if (runner == null) {
                return finish("promote", client, null, "not run: no failover runner",
                        new ActionResult(503, error("unavailable", "this server cannot run failovers")));
            }
            journal(client, null, "operator (API): promote" + (force ? " --force" : "") + " requested",
                    Map.of("action", "promote", "force", force));
            FailoverRunner.Prepared prepared = runner.prepare(FailoverRunner.Request.operator(true, force));
            FailoverRunner.Outcome outcome = runner.execute(prepared);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("decision", outcome.plan().decision().name());
            body.put("from", outcome.plan().fromNode());
            body.put("to", outcome.plan().toNode());
            body.put("completed", outcome.completed());
            body.put("promoted", outcome.execution() != null && outcome.execution().promoted());
            body.put("traffic_pending", outcome.trafficPending());
            body.put("failover_id", outcome.record() == null ? null : outcome.record().id());
            body.put("epoch", outcome.plan().newEpoch());
            body.put("output", outcome.plan().render() + (outcome.execution() == null ? "" : "Steps:\n" + outcome.renderSteps()));
            int status = outcome.plan().decision() == Decision.REFUSE ? 409 : !outcome.completed() ? 500 : 200;
            String detail = outcome.execution() == null ? outcome.plan().decision().name() : outcome.execution().label();
            if (status != 200) {
                body.put("error", status == 409 ? "refused" : "failover_failed");
                body.put("message", status == 409 ? "promotion refused: nothing changed" : "promotion did not complete: "
                        + (outcome.execution() == null ? detail : outcome.execution().detail()));
            } else {
                body.put("message", "promoted " + outcome.plan().toNode() + " (epoch " + outcome.plan().newEpoch() + ")"
                        + (outcome.trafficPending() ? ", but traffic is PENDING: " + commands.trafficApply() : ""));
            }
            return finish("promote", client, outcome.plan().toNode(), detail, new ActionResult(status, body));
        });
    }

    /** Runs what {@code vakt rejoin NODE} runs; the CLI hands it here while this daemon holds the cluster. */
    ActionResult rejoin(no.vakt.config.Node node, boolean discardErrant, Duration wait, java.nio.file.Path errantDir,
            String client) {
        return exclusive("rejoin", client, () -> {
            journal(client, node.name(), "operator (API): rejoin " + node.name() + " requested",
                    Map.of("action", "rejoin", "discard-errant", discardErrant));
            StringWriter text = new StringWriter();
            no.vakt.failover.planned.Rejoin.Result r;
            try (PrintWriter out = new PrintWriter(text)) {
                r = new no.vakt.failover.planned.Rejoin(journal, clock, config.policy().checks().timeout().plusSeconds(2),
                        errantDir, Duration.ofMinutes(30))
                        .run(config, node, new no.vakt.failover.planned.Rejoin.Options(discardErrant, wait), out);
            }
            boolean ok = r.outcome() == no.vakt.failover.planned.Rejoin.Outcome.REJOINED
                    || r.outcome() == no.vakt.failover.planned.Rejoin.Outcome.ALREADY_REPLICA;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("outcome", r.outcome().name());
            body.put("node", node.name());
            body.put("detail", r.detail());
            body.put("output", text.toString());
            if (!ok) {
                body.put("error", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
                body.put("message", "rejoin of " + node.name() + " " + r.outcome().name().toLowerCase(java.util.Locale.ROOT)
                        + ": " + r.detail());
            }
            return finish("rejoin", client, node.name(), r.outcome().name(), new ActionResult(ok ? 200 : 409, body));
        });
    }

    /** The outcome for people: {@code completed, traffic pending} as the journal's label says it for failovers. */
    static String label(Switchover.Result r) {
        if (r.ending() != null) return r.ending().forPeople();
        return r.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }


    /**
     * Points traffic at the live primary (the only node traffic may go to). {@code node} may name it to
     * make sure the caller and the server agree; null means "whichever node is the live primary".
     */
    ActionResult applyTraffic(String node, String client) {
        return exclusive("traffic-apply", client, () -> {
            journal(client, node, "operator (API): traffic apply requested" + (node == null ? "" : " for " + node),
                    node == null ? Map.of("action", "traffic-apply") : Map.of("action", "traffic-apply", "node", node));
            LivePrimaries live = LivePrimaries.of(StatusProbe.forConfig(config).inspectAll(config));
            if (live.single().isEmpty()) {
                String why = live.whyNotSingle();
                return finish("traffic-apply", client, node, "not applied: " + why,
                        new ActionResult(409, error("no_single_primary", "traffic not switched: " + why)));
            }
            String target = live.single().get();
            if (node != null && !node.equals(target)) {
                String why = node + " is not the live primary (" + target + " is)";
                return finish("traffic-apply", client, node, "not applied: " + why,
                        new ActionResult(409, error("not_primary", "traffic not switched: " + why)));
            }
            long epoch = journal.currentEpoch();
            try {
                traffic.routeTo(config.cluster(), target, epoch);
            } catch (Exception e) {
                String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                return finish("traffic-apply", client, target, "failed: " + why,
                        new ActionResult(502, error("traffic_failed", "the traffic switch failed: " + why)));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("node", target);
            body.put("epoch", epoch);
            body.put("message", "traffic routed to " + target);
            return finish("traffic-apply", client, target, "routed to " + target + " (epoch " + epoch + ")",
                    new ActionResult(200, body));
        });
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Work {
        ActionResult run() throws Exception;
    }

    private ActionResult exclusive(String action, String client, Work work) {
        if (!busy.tryLock()) {
            return new ActionResult(409, error("busy", "another operator action is running; try again when it ends"));
        }
        try {
            return work.run();
        } catch (no.vakt.failover.FailoverRunner.Busy e) {
            journal(client, null, "operator (API): " + action + " refused: " + e.getMessage(), Map.of("action", action));
            return new ActionResult(409, error("busy", e.getMessage() + "; try again when it ends"));
        } catch (Exception e) {
            LOG.error("operator action {} failed: {}", action, e.toString(), e);
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            journal(client, null, "operator (API): " + action + " failed: " + why, Map.of("action", action));
            return new ActionResult(500, error("failed", action + " failed: " + why));
        } finally {
            busy.unlock();
        }
    }

    private ActionResult finish(String action, String client, String node, String result, ActionResult r) {
        journal(client, node, "operator (API): " + action + " " + result, Map.of("action", action, "http-status", r.status()));
        return r;
    }

    private void journal(String client, String node, String summary, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("client", client);
        // Which token acted: every action is a POST, and Access lets a POST through on the admin token only.
        d.put("token_role", Access.TokenRole.ADMIN.label());
        try {
            journal.append(EventKind.OPERATOR_ACTION, config.cluster(), node, summary, d);
        } catch (RuntimeException e) {
            LOG.error("could not journal '{}': {}", summary, e.getMessage());
        }
    }

    static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        return m;
    }
}
