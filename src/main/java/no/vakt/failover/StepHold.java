package no.vakt.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only: lets bench/ha kill -9 an agent in a given failover step. With the environment variable
 * {@value #ENV} naming a file that holds {@code AGENT STEP [before|after]}, that agent waits (at most
 * {@link #MAX}) in that step: before it acts (its start already in ZooKeeper) or after it acted (its result not yet
 * there). Without the variable, or when the file names another agent or step, nothing changes.
 */
final class StepHold {
    static final String ENV = "VAKT_TEST_STEP_HOLD";
    static final Duration MAX = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(StepHold.class);

    private StepHold() {}

    static void at(String agent, String step, String when) {
        String file = System.getenv(ENV);
        if (file == null || file.isBlank()) return;
        List<String> want;
        try {
            want = List.of(Files.readString(Path.of(file)).trim().split("\\s+"));
        } catch (IOException e) {
            return; // no hold asked for now
        }
        String at = want.size() > 2 ? want.get(2) : "before";
        if (want.size() < 2 || !want.get(0).equals(agent) || !want.get(1).equals(step) || !at.equals(when)) return;
        LOG.warn("test hold: agent {} holds in {} ({} it acts), up to {} s", agent, step, when, MAX.toSeconds());
        try {
            Thread.sleep(MAX.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
