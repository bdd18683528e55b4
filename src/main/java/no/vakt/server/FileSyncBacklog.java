package no.vakt.server;

import java.time.Duration;

/**
 * File sync as the dashboard and {@code /metrics} show it: what is still to be copied to the standby site.
 * The file sync supplies one of these on request; the server never asks it for more.
 *
 * @param files files changed on the source and not yet on the standby
 * @param oldestAge how long the oldest of them has been waiting, null when none waits
 * @param state one word for the operator, for example {@code in-sync}, {@code behind}, {@code stopped}
 * @param detail one sentence, or null
 */
public record FileSyncBacklog(long files, Duration oldestAge, String state, String detail) {}
