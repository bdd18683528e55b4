package no.vakt.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.vakt.cluster.Severity;
import no.vakt.config.CommandChannelConfig;
import no.vakt.config.Durations;

/**
 * Runs a program per alert, with an argument list and never a shell: placeholders in the arguments
 * ({@code {event}}, ..., {@code {text}}) are replaced by the alert's fields, each argument staying one
 * argument whatever it contains. The fields are also in the environment ({@code VAKT_ALERT_EVENT}, ...)
 * and the JSON of the alert is on standard input. Exit 0 is delivered; another exit code or the
 * timeout (the process tree is then killed) is retried.
 */
final class CommandChannel implements Channel {
    /** Output kept for the error message: enough for a gateway's one-line refusal. */
    private static final int OUTPUT_IN_ERRORS = 300;

    private final String name;
    private final CommandChannelConfig c;

    CommandChannel(String name, CommandChannelConfig c) {
        this.name = name;
        this.c = c;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "command";
    }

    @Override
    public Severity minSeverity() {
        return c.minSeverity();
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
    public void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException {
        Map<String, String> fields = AlertText.fields(alert, id, at);
        ProcessBuilder pb = new ProcessBuilder(argv(c, fields, AlertText.shortText(alert)));
        fields.forEach((k, v) -> pb.environment().put("VAKT_ALERT_" + k.toUpperCase(Locale.ROOT), v));
        pb.environment().put("VAKT_ALERT_TEXT", AlertText.shortText(alert));
        pb.redirectErrorStream(true);
        Path output = null;
        Process p = null;
        try {
            output = Files.createTempFile("vakt-alert-", ".out");
            pb.redirectOutput(output.toFile());
            try {
                p = pb.start();
            } catch (IOException e) {
                throw Retryable.never("cannot run " + c.program() + ": " + e.getMessage());
            }
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(AlertText.json(alert, id, at));
            } catch (IOException e) {
                // The program may not read its input at all: that is its choice.
            }
            if (!p.waitFor(c.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw Retryable.transientFailure(c.program() + " did not finish within "
                        + Durations.format(c.timeout()) + "; killed");
            }
            if (p.exitValue() != 0) {
                throw Retryable.transientFailure(c.program() + " exited with " + p.exitValue() + head(output));
            }
        } catch (IOException e) {
            throw Retryable.transientFailure("running " + c.program() + ": " + e.getMessage());
        } finally {
            if (p != null && p.isAlive()) kill(p);
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A leftover temp file in /tmp is harmless.
                }
            }
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(2, TimeUnit.SECONDS);
    }

    private static String head(Path output) {
        try {
            byte[] bytes = Files.readAllBytes(output);
            String s = new String(bytes, 0, Math.min(bytes.length, OUTPUT_IN_ERRORS), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "" : ": " + Retryable.oneLine(s, OUTPUT_IN_ERRORS);
        } catch (IOException e) {
            return "";
        }
    }
}
