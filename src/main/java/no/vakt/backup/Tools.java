package no.vakt.backup;

import java.io.IOException;
import java.util.List;
import no.vakt.process.BoundedProcess;

/** Runs a MariaDB tool through the one runner and turns anything but exit 0 into a failure naming the tool. */
final class Tools {
    private Tools() {}

    static BoundedProcess.Finished run(String what, BoundedProcess.Request request)
            throws IOException, InterruptedException, BackupFailedException {
        return check(what, request, BoundedProcess.run(request));
    }

    /** How a run of {@code request} ended, as {@link #run} judges it. */
    static BoundedProcess.Finished check(String what, BoundedProcess.Request request, BoundedProcess.Result r)
            throws BackupFailedException {
        if (r instanceof BoundedProcess.CouldNotStart c) {
            throw new BackupFailedException(what + " could not start: " + c.cause().getMessage());
        }
        if (r instanceof BoundedProcess.TimedOut) {
            throw new BackupFailedException(what + " did not finish within " + request.timeout().toSeconds() + " s");
        }
        BoundedProcess.Finished f = (BoundedProcess.Finished) r;
        if (f.exitCode() != 0) {
            throw new BackupFailedException(what + " failed (exit " + f.exitCode() + "): " + lastLines(f.stderr().tail() + f.stdout().tail()));
        }
        return f;
    }

    static String lastLines(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
