package no.vakt.drill;

import java.time.Duration;

/**
 * The primary's database server as a process the drill can crash, stop and start again: a local
 * mariadbd ({@link LocalDatabaseProcess}, the lab and the tests) or one on a remote node reached with
 * ssh ({@link SshDatabaseProcess}).
 */
public interface DatabaseProcess {
    String describe();

    /** SIGKILL: a crash. */
    void kill() throws Exception;

    /** A clean shutdown, waiting (bounded) until it is down. */
    void stop(Duration max) throws Exception;

    /** Starts it again when it is not running; returns once it accepts connections or throws after {@code max}. */
    void start(Duration max) throws Exception;
}
