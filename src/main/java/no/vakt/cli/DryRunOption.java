package no.vakt.cli;

import picocli.CommandLine.Option;

/** {@code --dry-run} of the commands that act on the cluster: they plan and print, and change nothing. */
public final class DryRunOption {
    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean on;
}
