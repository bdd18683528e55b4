package no.vakt.cli;

import picocli.CommandLine.Option;

/** {@code --json}: the same switch, with one help text, wherever a command can print JSON instead of text. */
public final class JsonOption {
    @Option(names = "--json", description = "Machine-readable output (JSON).")
    boolean on;
}
