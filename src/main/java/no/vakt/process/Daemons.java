package no.vakt.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Servers that run on their own once started (mariadbd, named, sshd, a background {@code vakt run}): found
 * again through their pid file, stopped within a bound, their log's last lines quoted when they fail.
 */
public final class Daemons {
    private Daemons() {}

    /**
     * The live process {@code pidFile} names, when its command passes {@code command}: a pid file left by a
     * crash may name a pid the system has since given to another program, which must never be signalled.
     * A process whose command cannot be read counts as {@code unknownCounts}.
     */
    public static Optional<ProcessHandle> fromPidFile(Path pidFile, Predicate<String> command, boolean unknownCounts) {
        try {
            if (!Files.exists(pidFile)) return Optional.empty();
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(command::test).orElse(unknownCounts));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, and SIGKILL when it has not exited within {@code grace}. */
    public static void stop(ProcessHandle h, Duration grace) {
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    /** SIGKILL, then up to {@code max} for the exit (a zombie left after that is reaped by its parent). */
    public static void kill(ProcessHandle h, Duration max) {
        h.destroyForcibly();
        awaitExit(h, max);
    }

    /** Waits up to {@code max} for the exit; whether the process is gone. */
    public static boolean awaitExit(ProcessHandle h, Duration max) {
        try {
            h.onExit().get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (Exception e) {
            return !h.isAlive();
        }
    }

    /** The last {@code n} lines of {@code log}; none when it cannot be read. */
    public static List<String> tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
