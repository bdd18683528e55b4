package no.vakt.traffic;

import java.time.Clock;
import java.time.Duration;
import no.vakt.cluster.Sleeper;

/**
 * A provider that verifies a switch by reading its authority again until the change shows (an API, a
 * balancer's runtime, an operator's script): its entry, what it points each node at, and the poll.
 */
abstract class PolledProvider<E> implements TrafficProvider {
    final E entry;
    final EntryTargets targets;
    final VisibilityPoll poll;

    /** @param every how often the authority is read: what it allows, and how soon a change should show */
    PolledProvider(E entry, EntryTargets targets, Duration every, Clock clock, Sleeper pause) {
        this.entry = entry;
        this.targets = targets;
        this.poll = new VisibilityPoll(clock, pause, every);
    }
}
