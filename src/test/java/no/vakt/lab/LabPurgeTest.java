package no.vakt.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * {@code lab down --purge} removes everything the lab wrote, the journal next to its config included (a
 * fresh lab read the old one's file sync direction and said "bergen-db is the source" while oslo was
 * primary), and nothing else.
 */
class LabPurgeTest {
    @Test
    void purgeRemovesTheJournalAndStateNextToTheLabConfigButNotOtherFiles() throws Exception {
        Path dir = TestDirs.create("labpurge-").resolve("lab");
        Files.createDirectories(dir.resolve(".vakt"));
        Files.writeString(dir.resolve(".vakt/journal.db"), "an old lab's journal");
        Files.writeString(dir.resolve(".vakt/filesync-layout.json"), "{}");
        Files.writeString(dir.resolve("vakt.yml"), "cluster: old\n");
        Files.createDirectories(dir.resolve("oslo/uploads"));
        Files.writeString(dir.resolve("notes.txt"), "not the lab's");

        new Lab(new LabLayout(dir)).down(true);

        assertThat(dir.resolve(".vakt")).doesNotExist();
        assertThat(dir.resolve("vakt.yml")).doesNotExist();
        assertThat(dir.resolve("oslo")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).hasContent("not the lab's");
        MariaDbServer.deleteTree(dir.getParent());
    }
}
