package no.vakt.filesync;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import no.vakt.process.BoundedProcess;

/**
 * One short program run with a time bound (ssh to a node, {@code rsync --version}): its exit code and
 * the tail of its stderr. Code -1 means it did not run to the end (missing, timed out, interrupted).
 */
public final class BoundedCommand {
    /** The end of stderr kept in a result: a few lines of ssh's or rsync's complaint. */
    private static final int ERR_KEEP = 4096;

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
            BoundedProcess.Result r = BoundedProcess.run(BoundedProcess.Request.of(argv, timeout));
            if (r instanceof BoundedProcess.CouldNotStart c) return new Result(-1, String.valueOf(c.cause().getMessage()));
            if (r instanceof BoundedProcess.TimedOut) return new Result(-1, "timed out after " + timeout.toMillis() + " ms");
            BoundedProcess.Finished f = (BoundedProcess.Finished) r;
            String err = f.stderr().tail();
            return new Result(f.exitCode(), err.length() <= ERR_KEEP ? err : err.substring(err.length() - ERR_KEEP));
        } catch (IOException e) {
            return new Result(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
