package no.vakt.replication;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;

/**
 * {@code vakt replicate}: observe both nodes, decide (pure, {@link BootstrapPlanner}), then run the
 * steps the plan needs. Exit codes as the CLI's: 0 done or nothing to do, 1 refused or failed.
 */
public final class ReplicationBootstrap {
    /** Per-statement bound for the admin sessions; DROP DATABASE or START SLAVE can take a while. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(30);

    /** @param rerun the command that runs the bootstrap again, for advice ("vakt replicate --config FILE") */
    /** @param forgetAccountErrant set aside the standby's errant transactions when they only change accounts */
    public record Options(boolean overwrite, boolean dryRun, BootstrapContext.Limits limits, String rerun,
            boolean forgetAccountErrant) {
        public Options(boolean overwrite, boolean dryRun, BootstrapContext.Limits limits, String rerun) {
            this(overwrite, dryRun, limits, rerun, false);
        }

        public Options(boolean overwrite, boolean dryRun, BootstrapContext.Limits limits) {
            this(overwrite, dryRun, limits, "vakt replicate");
        }

        public static Options defaults() {
            return new Options(false, false, BootstrapContext.Limits.DEFAULT);
        }
    }

    private final Clock clock;
    private final NodeInspector inspector;

    public ReplicationBootstrap(Clock clock) {
        this.clock = clock;
        this.inspector = new NodeInspector(SESSION_TIMEOUT);
    }

    /** The steps for going ahead, in order. */
    public static Pipeline pipeline(BootstrapPlan plan, Clock clock) {
        List<Step> steps = new ArrayList<>();
        steps.add(new ReadOnlyStep());
        if (plan.reset()) steps.add(new ResetStep());
        steps.add(new SchemaStep());
        steps.add(new UsersStep());
        steps.add(new SeedStep(new DumpSeeder(clock)));
        steps.add(new ReplicaStep());
        steps.add(new WaitStep());
        steps.add(new SemiSyncStep());
        // Last: the primary takes writes only once its standby is set up and read-only.
        steps.add(new OpenPrimaryStep());
        return new Pipeline(steps);
    }

    /**
     * Runs the bootstrap. Throws {@link SecretRef.SecretUnavailableException} when a password
     * reference cannot be read (a config problem, before anything is touched).
     */
    public int run(VaktConfig config, Options options, PrintWriter out, PrintWriter err) {
        Node primary = config.primary();
        Node standby = config.standby();
        BootstrapContext.Secrets secrets = new BootstrapContext.Secrets(primary.mysql().secret().resolve(),
                standby.mysql().secret().resolve(), config.replication().secret().resolve());
        out.println("replicate: " + primary.name() + " (" + primary.mysql().address() + ") -> " + standby.name() + " ("
                + standby.mysql().address() + "), databases " + String.join(", ", config.replication().databases())
                + (options.dryRun() ? " [dry run: nothing is changed]" : ""));
        try (DbSession p = open(primary, secrets.primaryAdmin(), err);
                DbSession s = open(standby, secrets.standbyAdmin(), err)) {
            if (p == null || s == null) return 1;
            Observation observed = new Observer(inspector).observe(config, p, s, secrets.replication());
            if (options.forgetAccountErrant() && !options.overwrite() && !observed.errantGtids().isEmpty()) {
                AccountErrant.Verdict verdict = AccountErrantScan.scan(s, observed);
                if (!verdict.accountOnly()) {
                    err.println("replicate: REFUSED, nothing was changed: --forget-account-errant only sets aside"
                            + " transactions that change accounts, and " + standby.name() + "'s errant ones do more:");
                    verdict.otherwise().forEach(r -> err.println("  - " + r));
                    return 1;
                }
                String what = "set aside " + standby.name() + "'s errant transactions " + gtids(verdict.errant()) + " ("
                        + String.join(", ", verdict.statements()) + " only): RESET MASTER on " + standby.name()
                        + " (its binary log and GTID history, not its data; the accounts stay as they are), then"
                        + " gtid_slave_pos = '" + verdict.keep() + "'";
                if (options.dryRun()) {
                    out.println("would " + what);
                    out.println("replicate: the rest of the plan is known once that is done; run without --dry-run");
                    return 0;
                }
                forgetAccountErrant(s, verdict);
                out.println("forget-account-errant: " + what + ": done");
                observed = new Observer(inspector).observe(config, p, s, secrets.replication());
            }
            BootstrapPlan plan = BootstrapPlanner.plan(config, observed, options.overwrite());
            plan.warnings().forEach(w -> out.println("warning: " + w));
            BootstrapContext ctx = new BootstrapContext(config, observed, plan, p, s, secrets, options.limits(), clock,
                    inspector, options.rerun());
            return switch (plan.decision()) {
                case REFUSE -> refuse(config, observed, plan, options, out, err, s);
                case NOOP -> noop(ctx, options, out, err);
                case PROCEED -> proceed(ctx, options, out, err);
            };
        } catch (SQLException e) {
            err.println("replicate: FAILED: " + Errors.describe(e));
            return 1;
        }
    }

    private int refuse(VaktConfig config, Observation observed, BootstrapPlan plan, Options options, PrintWriter out,
            PrintWriter err, DbSession standby) throws SQLException {
        err.println("replicate: REFUSED, nothing was changed:");
        plan.reasons().forEach(r -> err.println("  - " + r));
        if (!observed.errantGtids().isEmpty() && BootstrapPlanner.blockers(config, observed).isEmpty()) {
            AccountErrant.Verdict verdict = AccountErrantScan.scan(standby, observed);
            if (verdict.accountOnly()) {
                String node = config.standby().name();
                err.println("  " + node + "'s errant transactions " + gtids(verdict.errant()) + " only change accounts ("
                        + String.join(", ", verdict.statements()) + "), as when an account is created on " + node
                        + " without SET SESSION sql_log_bin = 0. Its data is not involved: to set them aside and keep"
                        + " " + node + "'s data and accounts, " + options.rerun() + " --forget-account-errant"
                        + " (RESET MASTER on " + node + ": its binary log and GTID history only)");
            }
        }
        if (!BootstrapPlanner.reseedReasons(config, observed).isEmpty()) {
            List<String> wiped = new ArrayList<>(config.replication().databases());
            wiped.add(no.vakt.db.VaktSchema.NAME);
            String what = BootstrapPlanner.conflicts(config, observed).isEmpty() ? "" : "discard "
                    + config.standby().name() + "'s own data and GTIDs and ";
            err.println("  to " + what + "copy " + config.standby().name() + " again from " + config.primary().name()
                    + ": " + options.rerun() + " --overwrite (drops " + String.join(", ", wiped) + " on "
                    + config.standby().name() + " and seeds them again)");
        }
        out.flush();
        err.flush();
        return 1;
    }

    private int noop(BootstrapContext ctx, Options options, PrintWriter out, PrintWriter err) {
        out.println("replicate: " + ctx.standbyNode().name() + " is " + ctx.plan.reasons().get(0) + "; nothing to do");
        ctx.plan.reasons().stream().skip(1).forEach(r -> out.println("  " + r));
        // A primary restarted read-only (every node's my.cnf says so) is opened here too.
        Pipeline semiSync = new Pipeline(List.of(new SemiSyncStep(), new OpenPrimaryStep()));
        if (options.dryRun()) {
            semiSync.preview(ctx, out);
            return 0;
        }
        return semiSync.run(ctx, out, err) ? 0 : 1;
    }

    private int proceed(BootstrapContext ctx, Options options, PrintWriter out, PrintWriter err) {
        if (ctx.plan.reset()) ctx.plan.reasons().forEach(r -> out.println("overwrite: " + r));
        Pipeline pipeline = pipeline(ctx.plan, clock);
        if (options.dryRun()) {
            pipeline.preview(ctx, out);
            return 0;
        }
        if (!pipeline.run(ctx, out, err)) {
            err.println("replicate: FAILED; fix the cause and re-run (it is safe to re-run)");
            return 1;
        }
        out.println("replicate: done: " + ctx.standbyNode().name() + " replicates from " + ctx.primaryNode().name());
        return 0;
    }

    /**
     * RESET MASTER empties only the standby's binary log and GTID history (the account changes stay applied);
     * gtid_slave_pos then holds the position the standby's data is at, so replication resumes from there.
     */
    private static void forgetAccountErrant(DbSession standby, AccountErrant.Verdict verdict) throws SQLException {
        Statements.stopReplica(standby);
        standby.execute("RESET MASTER");
        standby.execute("SET GLOBAL gtid_slave_pos = " + no.vakt.db.Sql.literal(verdict.keep().toString()));
    }

    private static String gtids(List<GtidPosition.Gtid> list) {
        return list.stream().map(GtidPosition.Gtid::toString).collect(java.util.stream.Collectors.joining(","));
    }

    private DbSession open(Node node, String password, PrintWriter err) {
        try {
            return DbSession.open(node.mysql(), password, SESSION_TIMEOUT);
        } catch (SQLException e) {
            err.println("replicate: FAILED: cannot reach " + node.name() + " (" + node.mysql().address() + "): "
                    + Errors.describe(e));
            return null;
        }
    }
}
