package no.vakt.journal;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a child JVM by {@link JournalKillTest}: journals a failover and a started step, says so on
 * stdout, then waits to be killed with SIGKILL without ever closing the journal.
 */
public final class JournalCrashChild {
    private JournalCrashChild() {}

    public static void main(String[] args) throws Exception {
        Journal j = new Journal(Path.of(args[0]), Clock.systemUTC());
        long id = j.beginFailover(new NewFailover("shop", "db-oslo", "db-bergen", "automatic", "automatic-detection", 5));
        j.stepFinished(id, j.stepStarted(id, "FENCE_OLD_PRIMARY"), StepOutcome.OK, null);
        j.stepStarted(id, "PROMOTE_STANDBY");
        System.out.println("written " + id);
        System.out.flush();
        Thread.sleep(60_000); // bounded: the test kills us long before
    }
}
