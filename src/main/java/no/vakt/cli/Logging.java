package no.vakt.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How logs are written: {@code --log-format text|json} (else $VAKT_LOG_FORMAT, else text) to stderr, or to
 * stdout when $VAKT_LOG_TARGET=stdout (the systemd units: journald then gets one stream, in order). Both
 * formats are one dated event a line; logback.xml holds the two encoders.
 */
public final class Logging {
    public enum Format { TEXT, JSON }

    private static final Logger EVENTS = LoggerFactory.getLogger("vakt.events");
    /** The monitor dates the lines it prints for a terminal; as a log event the event's time says it. */
    private static final Pattern LEADING_INSTANT = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+Z ");

    private static Format format = Format.TEXT;
    private static boolean toStdout;

    private Logging() {}

    /** Applies the format (and $VAKT_LOG_TARGET); reconfigures logback only when that changes anything. */
    public static synchronized void configure(Format wanted) {
        configure(wanted, System.getenv());
    }

    static synchronized void configure(Format wanted, Map<String, String> env) {
        boolean stdout = "stdout".equalsIgnoreCase(env.getOrDefault("VAKT_LOG_TARGET", "").trim());
        if (wanted == format && stdout == toStdout) return;
        format = wanted;
        toStdout = stdout;
        System.setProperty("vakt.log.format", wanted.name().toLowerCase(Locale.ROOT));
        System.setProperty("vakt.log.target", stdout ? "System.out" : "System.err");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(Logging.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("could not configure logging: " + e.getMessage(), e);
        }
    }

    /**
     * Where {@code vakt run} sends its event lines: printed to {@code out} as on a terminal, or, when the logs
     * go to stdout (a service), logged as events like every other line there, so journald gets one format.
     */
    public static Consumer<String> events(PrintWriter out) {
        if (toStdout) return line -> EVENTS.info(LEADING_INSTANT.matcher(line).replaceFirst(""));
        return line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
    }
}
