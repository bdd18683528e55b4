package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A parent's --help lists each subcommand by the first line of its description only, so that line
 * must be a whole sentence, not the first half of a wrapped paragraph ("... check the").
 */
class HelpTextTest {
    /** The commands whose help this test guards: the ones the audit found cut, and their neighbours. */
    static final List<List<String>> COMMANDS = List.of(List.of("promote"), List.of("status"), List.of("check"),
            List.of("replicate"), List.of("traffic"), List.of("traffic", "show"), List.of("traffic", "apply"));

    @Test
    void theFirstDescriptionLineOfEachCommandIsAWholeSentence() {
        for (List<String> path : COMMANDS) {
            CommandLine cl = Main.commandLine();
            for (String name : path) cl = cl.getSubcommands().get(name);
            String first = cl.getCommandSpec().usageMessage().description()[0];
            assertThat(first).as(String.join(" ", path)).matches("(?s)[A-Z].*[.?]");
        }
    }

    @Test
    void theListingsShowTheWholeSentences() {
        String top = Cli.run("--help").out().replaceAll("\\s+", " ");
        assertThat(top).contains("promote Promote the standby by hand: fence the old primary, apply the relay log,"
                + " check the data loss against the RPO, promote, verify a write, hand over traffic, bump the epoch.");
        String traffic = Cli.run("traffic", "--help").out().replaceAll("\\s+", " ");
        assertThat(traffic).contains("show Where each traffic entry points now, read from the authority itself (the"
                + " zone's authoritative server or the provider's API, never a cache): values, node, live TTL.")
                .contains("apply Point every traffic entry at the live primary (the writable node that replicates"
                        + " from nobody), or at --node.");
    }
}
