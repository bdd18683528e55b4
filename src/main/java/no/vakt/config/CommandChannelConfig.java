package no.vakt.config;

import java.time.Duration;
import java.util.List;
import no.vakt.cluster.Severity;

/**
 * Runs a program for each alert (an SMS gateway's CLI, a pager tool): {@code program} with
 * {@code args}, never through a shell. Arguments may hold placeholders ({@code {severity}},
 * {@code {cluster}}, {@code {event}}, {@code {evidence}}, {@code {action}}, {@code {kind}},
 * {@code {node}}, {@code {link}}, {@code {text}}); the same fields are in the environment as
 * {@code VAKT_ALERT_*}, and the alert as JSON on standard input. Exit 0 is delivered; a timeout or
 * another exit code is retried.
 */
public record CommandChannelConfig(String name, Severity minSeverity, String program, List<String> args,
        Duration timeout) implements ChannelConfig {
    public CommandChannelConfig {
        minSeverity = minSeverity != null ? minSeverity : Severity.INFO;
        if (program == null || program.isBlank()) {
            throw new IllegalArgumentException("program: expected the program to run (an absolute path or a name on PATH)");
        }
        args = args != null ? List.copyOf(args) : List.of();
        timeout = ChannelConfig.positive(timeout, Duration.ofSeconds(30), "timeout");
    }

    @Override
    public String type() {
        return "command";
    }

    @Override
    public List<Secret> secrets() {
        return List.of();
    }
}
