package no.vakt.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import no.vakt.config.CommandChannelConfig;
import no.vakt.config.Durations;
import no.vakt.process.BoundedProcess;

/**
 * Runs a program per alert, with an argument list and never a shell: placeholders in the arguments
 * ({@code {event}}, ..., {@code {text}}) are replaced by the alert's fields, each argument staying one
 * argument whatever it contains. The fields are also in the environment ({@code VAKT_ALERT_EVENT}, ...)
 * and the JSON of the alert is on standard input. Exit 0 is delivered; another exit code or the
 * timeout (the process tree is then killed) is retried.
 */
final class CommandChannel extends Channel {
    /** Output kept for the error message: enough for a gateway's one-line refusal. */
    private static final int OUTPUT_IN_ERRORS = 300;

    private final CommandChannelConfig c;

    CommandChannel(String name, CommandChannelConfig c) {
        super(name, c);
        this.c = c;
    }

    /** The argument list for one alert, placeholders replaced. */
    static List<String> argv(CommandChannelConfig c, Map<String, String> fields, String text) {
        List<String> argv = new ArrayList<>();
        argv.add(c.program());
        for (String a : c.args()) {
            String out = a.replace("{text}", text);
            for (Map.Entry<String, String> f : fields.entrySet()) out = out.replace("{" + f.getKey() + "}", f.getValue());
            argv.add(out);
        }
        return argv;
    }

    @Override
    void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException {
        Map<String, String> fields = AlertText.fields(alert, id, at);
        Map<String, String> env = new HashMap<>();
        fields.forEach((k, v) -> env.put("VAKT_ALERT_" + k.toUpperCase(Locale.ROOT), v));
        env.put("VAKT_ALERT_TEXT", AlertText.shortText(alert));
        BoundedProcess.Request request = BoundedProcess.Request.of(argv(c, fields, AlertText.shortText(alert)), c.timeout())
                .withEnv(env).withStdin(AlertText.json(alert, id, at)).mergingStderr();
        BoundedProcess.Result r;
        try {
            r = BoundedProcess.run(request);
        } catch (IOException e) {
            throw Retryable.transientFailure("running " + c.program() + ": " + e.getMessage());
        }
        if (r instanceof BoundedProcess.CouldNotStart n) {
            throw Retryable.never("cannot run " + c.program() + ": " + n.cause().getMessage());
        }
        if (r instanceof BoundedProcess.TimedOut) {
            throw Retryable.transientFailure(c.program() + " did not finish within " + Durations.format(c.timeout()) + "; killed");
        }
        BoundedProcess.Finished f = (BoundedProcess.Finished) r;
        if (f.exitCode() != 0) {
            throw Retryable.transientFailure(c.program() + " exited with " + f.exitCode() + head(f.stdout().head()));
        }
    }

    private static String head(String output) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        String s = new String(bytes, 0, Math.min(bytes.length, OUTPUT_IN_ERRORS), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "" : ": " + Retryable.oneLine(s, OUTPUT_IN_ERRORS);
    }
}
