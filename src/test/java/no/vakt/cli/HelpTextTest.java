package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `vakt --help` is a newcomer's first screen: one line per command (its header), the detail stays in
 * `vakt COMMAND --help` and the man pages. A nested listing (`vakt traffic --help`) shows each
 * subcommand by the first line of its description, so that line must be a whole sentence.
 */
class HelpTextTest {
    /** 80 columns less the listing's indent and the longest command name's column. */
    private static final int HEADER_WIDTH = 64;

    @Test
    void everyCommandHasAOneLineHeader() {
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            String[] header = e.getValue().getCommandSpec().usageMessage().header();
            assertThat(header).as(e.getKey()).hasSize(1);
            assertThat(header[0]).as(e.getKey()).isNotBlank().hasSizeLessThanOrEqualTo(HEADER_WIDTH);
        }
    }

    @Test
    void theTopListingIsOneLinePerCommand() {
        String top = Cli.run("--help").out();
        String commands = top.substring(top.indexOf("Commands:"));
        assertThat(commands.lines().skip(1)).allSatisfy(line -> assertThat(line).matches("  [a-z]+ +\\S.*"));
        assertThat(top).contains("promote     Promote the standby by hand");
        // The detail is one step away.
        assertThat(Cli.run("promote", "--help").out().replaceAll("\\s+", " "))
                .contains("fence the old primary, apply the relay log, check the data loss against the RPO");
    }

    @Test
    void nestedListingsShowWholeSentences() {
        for (List<String> path : List.of(List.of("traffic", "show"), List.of("traffic", "apply"))) {
            CommandLine cl = Main.commandLine();
            for (String name : path) cl = cl.getSubcommands().get(name);
            String first = cl.getCommandSpec().usageMessage().description()[0];
            assertThat(first).as(String.join(" ", path)).matches("(?s)[A-Z].*[.?]");
        }
        String traffic = Cli.run("traffic", "--help").out().replaceAll("\\s+", " ");
        assertThat(traffic).contains("apply Point every traffic entry at the live primary (the writable node that replicates"
                + " from nobody), or at --node.");
    }
}
