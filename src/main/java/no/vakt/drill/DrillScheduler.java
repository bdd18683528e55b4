package no.vakt.drill;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import no.vakt.alert.AlertSink;
import no.vakt.backup.Repository;
import no.vakt.config.CronSchedule;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;

/**
 * {@code drills.schedule} inside {@code vakt run}: at each matching minute (in the machine's time zone)
 * a drill runs with {@code drills.fault}, using the daemon's own monitor for the failover (the drill
 * watches it as an external monitor), then rejoins the old primary and switches back so the daemon's
 * config roles are right again. Never on a production cluster unless {@code drills.allow-production}.
 *
 * <p>Note: the switch-back ends a failover, so {@code policy.cooldown} starts again after every
 * scheduled drill; schedule drills when a real failure in the hour after is least likely.
 */
public final class DrillScheduler implements AutoCloseable {
    /** How often the loop looks at the clock: a late wake-up (suspend, busy host) costs at most this. */
    private static final Duration POLL = Duration.ofSeconds(20);

    /** Runs one scheduled drill. */
    @FunctionalInterface
    public interface Launcher {
        void launch() throws Exception;
    }

    private final CronSchedule schedule;
    private final Clock clock;
    private final ZoneId zone;
    private final Launcher launcher;
    private final Consumer<String> out;
    private final AtomicBoolean running = new AtomicBoolean();
    /** With agents only the leader runs scheduled drills: one drill per cluster, not one per agent. */
    private volatile BooleanSupplier mayLaunch = () -> true;
    private Instant next;
    private Thread thread;

    DrillScheduler(CronSchedule schedule, Clock clock, ZoneId zone, Launcher launcher, Consumer<String> out) {
        this.schedule = schedule;
        this.clock = clock;
        this.zone = zone;
        this.launcher = launcher;
        this.out = out;
        this.next = schedule.next(ZonedDateTime.ofInstant(clock.instant(), zone)).toInstant();
    }

    /** Why the config's schedule may not run here (pure), or empty. */
    public static Optional<String> refusal(VaktConfig config) {
        if (config.drills().schedule() == null) return Optional.of("no drills.schedule");
        if (config.production() && !config.drills().allowProduction()) {
            return Optional.of("drills.schedule is set but the cluster is production: true; scheduled drills need"
                    + " drills.allow-production: true");
        }
        return Optional.empty();
    }

    /**
     * The daemon's scheduler, started; empty when no schedule is configured. A refused schedule is
     * printed once and not started.
     */
    public static Optional<DrillScheduler> startFor(VaktConfig config, Path configFile, Journal journal, Clock clock,
            AlertSink alerts, DefaultFaults.NetworkFaults.Finder networkFaults, Consumer<String> out) {
        if (config.drills().schedule() == null) return Optional.empty();
        Optional<String> refused = refusal(config);
        if (refused.isPresent()) {
            out.accept("drills: " + refused.get());
            return Optional.empty();
        }
        PrintWriter writer = new PrintWriter(new LineWriter(l -> out.accept("drill: " + l)), true);
        Launcher launcher = () -> Drills.create(config, configFile, journal, clock, writer, alerts, networkFaults)
                .run(new Drill.Options(config.drills().fault(), null, false, true, Drill.MonitorMode.EXTERNAL, true, true,
                        false));
        DrillScheduler s = new DrillScheduler(CronSchedule.parse(config.drills().schedule()), clock, ZoneId.systemDefault(),
                launcher, out);
        s.start();
        out.accept("drills: " + config.drills().fault() + " scheduled \"" + config.drills().schedule() + "\", next at "
                + s.next());
        return Optional.of(s);
    }

    /**
     * {@code drills.restore-schedule}: a {@link RestoreDrill} at each matching minute, production included (it
     * fails nothing over; the standby's SQL thread pauses while it is compared). Empty without a schedule, or
     * without a backup repository (said once).
     */
    public static Optional<DrillScheduler> startRestoreFor(VaktConfig config, Path configFile, Journal journal, Clock clock,
            AlertSink alerts, Repository repository, Consumer<String> out) {
        String cron = config.drills().restoreSchedule();
        if (cron == null) return Optional.empty();
        if (repository == null) {
            out.accept("drills: restore-schedule is set but there is no backup: section; no restore drills");
            return Optional.empty();
        }
        PrintWriter writer = new PrintWriter(new LineWriter(l -> out.accept("restore drill: " + l)), true);
        Launcher launcher = () -> new RestoreDrill(config, configFile, repository, journal, clock, alerts, writer)
                .run(new RestoreDrill.Options(null, null));
        DrillScheduler s = new DrillScheduler(CronSchedule.parse(cron), clock, ZoneId.systemDefault(), launcher, out);
        s.start();
        out.accept("drills: restore drill scheduled \"" + cron + "\", next at " + s.next());
        return Optional.of(s);
    }

    public Instant next() {
        return next;
    }

    /** Launches a due drill only while this holds (the agent's authority); a due drill skipped is said once. */
    public DrillScheduler onlyWhen(BooleanSupplier mayLaunch) {
        this.mayLaunch = mayLaunch;
        return this;
    }

    /** One look at the clock: launches when due and moves to the next time; true when it launched. */
    boolean tick() {
        Instant now = clock.instant();
        if (now.isBefore(next)) return false;
        next = schedule.next(ZonedDateTime.ofInstant(now, zone)).toInstant();
        if (!mayLaunch.getAsBoolean()) {
            out.accept("drills: scheduled drill left to the leading agent (next at " + next + ")");
            return false;
        }
        out.accept("drills: scheduled drill starting (next at " + next + ")");
        try {
            launcher.launch();
        } catch (Exception e) {
            out.accept("drills: scheduled drill failed: " + e.getMessage());
        }
        return true;
    }

    private void start() {
        if (!running.compareAndSet(false, true)) throw new IllegalStateException("already started");
        thread = new Thread(() -> {
            while (running.get()) {
                tick();
                long wait = Math.max(100, Math.min(POLL.toMillis(), Duration.between(clock.instant(), next).toMillis()));
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "vakt-drill-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops waiting; a drill in progress is interrupted only at its next sleep (its fault is removed on the way out). */
    @Override
    public void close() {
        running.set(false);
        if (thread != null) thread.interrupt();
    }
}
