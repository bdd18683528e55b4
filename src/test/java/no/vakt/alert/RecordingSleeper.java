package no.vakt.alert;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.cluster.Sleeper;

/** Records the waits between attempts instead of waiting. */
final class RecordingSleeper implements Sleeper {
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
    }
}
