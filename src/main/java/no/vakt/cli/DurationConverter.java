package no.vakt.cli;

import java.time.Duration;
import no.vakt.config.Durations;
import picocli.CommandLine;

/** Durations on the command line are written as in the config (500ms, 5s, 1m); registered once in {@link Main}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Rejects zero and negative durations with the option's name. */
    static Duration positive(String option, Duration d) {
        if (d.isZero() || d.isNegative()) throw new UsageException(option + ": expected a positive duration");
        return d;
    }

    /** Parses an option's text, a bad one a usage error with the option's name. */
    static Duration parse(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** {@link #parse} and {@link #positive} in one. */
    static Duration positive(String option, String text) {
        return positive(option, parse(option, text));
    }
}
