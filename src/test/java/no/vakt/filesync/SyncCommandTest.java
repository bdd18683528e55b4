package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;

/** {@code vakt sync} (one-shot) and what {@code vakt status} says about file sync. */
class SyncCommandTest {
    @Test
    void oneShotSyncCopiesTheTreeAndStatusSaysNothingWatches() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null)) {
            Files.createDirectories(fx.primaryDir.resolve("a b/c"));
            Files.writeString(fx.primaryDir.resolve("a b/c/ø.txt"), "one shot");
            Files.writeString(fx.standbyDir.resolve("stale.txt"), "only on the standby");

            Cli sync = Cli.run("sync", "--config", fx.configFile.toString());
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isZero();
            assertThat(sync.out()).contains("in sync: oslo-db -> bergen-db");
            assertThat(fx.standbyDir.resolve("a b/c/ø.txt")).hasContent("one shot");
            assertThat(fx.standbyDir.resolve("stale.txt")).doesNotExist();

            Cli status = Cli.run("status", "--config", fx.configFile.toString());
            assertThat(status.out()).contains("file sync: not running");
            Cli json = Cli.run("status", "--json", "--config", fx.configFile.toString());
            assertThat(json.out()).contains("\"file_sync\" : null");
        }
    }

    @Test
    void withoutDirectoriesThereIsNothingToSync() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null)) {
            Files.writeString(fx.configFile, Files.readString(fx.configFile)
                    .replaceAll("(?s)files:\\n.*?traffic:", "files: {}\ntraffic:"));
            Cli sync = Cli.run("sync", "--config", fx.configFile.toString());
            assertThat(sync.exitCode()).isEqualTo(2);
            assertThat(sync.err()).contains("nothing to sync");
        }
    }
}
