package no.vakt.failover.steps;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.config.Node;
import no.vakt.process.BoundedProcess;

/**
 * The operator's own fence (STONITH, a firewall rule, a cloud API call): a program with an argument
 * list, never a shell line. Placeholders are replaced per argument, so a node name can never become
 * two arguments or a shell command.
 */
public final class FenceCommand {
    /** Enough of the program's output to explain a failure without flooding the journal. */
    private static final int OUTPUT_TAIL_CHARS = 400;

    private final List<String> template;
    private final Duration timeout;

    public FenceCommand(List<String> template, Duration timeout) {
        this.template = List.copyOf(template);
        this.timeout = timeout;
    }

    public boolean configured() {
        return !template.isEmpty();
    }

    /** What ran and how it ended. */
    public record Result(boolean ok, String detail) {}

    public Result run(String cluster, Node node, long epoch) {
        Map<String, String> values = Map.of("{node}", node.name(), "{host}", node.mysql().host(),
                "{port}", String.valueOf(node.mysql().port()), "{cluster}", cluster, "{epoch}", String.valueOf(epoch));
        List<String> args = template.stream().map(a -> substitute(a, values)).toList();
        String program = Path.of(args.get(0)).getFileName().toString();
        BoundedProcess.Result r;
        try {
            r = BoundedProcess.run(BoundedProcess.Request.of(args, timeout).mergingStderr());
        } catch (IOException e) {
            return new Result(false, "fencing command " + program + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "fencing command " + program + " interrupted");
        }
        if (r instanceof BoundedProcess.CouldNotStart c) {
            return new Result(false, "fencing command " + program + " could not run: " + c.cause().getMessage());
        }
        if (r instanceof BoundedProcess.TimedOut) {
            return new Result(false, "fencing command " + program + " did not finish within " + timeout.toSeconds() + " s");
        }
        BoundedProcess.Finished f = (BoundedProcess.Finished) r;
        String tail = tail(f.stdout().tail());
        if (f.exitCode() != 0) {
            return new Result(false, "fencing command " + program + " exited " + f.exitCode() + (tail.isEmpty() ? "" : ": " + tail));
        }
        return new Result(true, "fencing command " + program + " succeeded" + (tail.isEmpty() ? "" : ": " + tail));
    }

    static String substitute(String arg, Map<String, String> values) {
        String out = arg;
        for (var e : values.entrySet()) out = out.replace(e.getKey(), e.getValue());
        return out;
    }

    private static String tail(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= OUTPUT_TAIL_CHARS ? t : "..." + t.substring(t.length() - OUTPUT_TAIL_CHARS);
    }
}
