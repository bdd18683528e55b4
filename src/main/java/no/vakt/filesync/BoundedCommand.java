package no.vakt.filesync;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One short program run with a time bound (ssh to a node, {@code rsync --version}): its exit code and
 * the tail of its stderr. Code -1 means it did not run to the end (missing, timed out, interrupted).
 */
public final class BoundedCommand {
    private BoundedCommand() {}

    public record Result(int code, String err) {
        public boolean ok() {
            return code == 0;
        }

        String problem(String missing) {
            return code == 0 ? null : code == -1 ? missing : missing + " (exit " + code + ")";
        }
    }

    public static Result run(List<String> argv, Duration timeout) {
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ReceiverClient.StderrTail err = ReceiverClient.StderrTail.follow(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout.toMillis() + " ms");
            }
            return new Result(p.exitValue(), err.textAtEnd(2000));
        } catch (IOException e) {
            return new Result(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
