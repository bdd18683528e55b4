package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void heldBackDeletionsReachTheConfiguredAlertChannelsBeforeVaktSyncExits() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null)) {
            Path delivered = fx.dir.resolve("alerts.jsonl");
            Files.writeString(fx.configFile, Files.readString(fx.configFile).replace("alerts: []\n",
                    "alerts:\n  channels:\n    - type: command\n      name: pager\n      program: /usr/bin/tee\n"
                            + "      args: [-a, " + delivered + "]\n"));
            for (int i = 0; i < 30; i++) Files.writeString(fx.standbyDir.resolve("only on the standby " + i), "x");

            // The source is empty: nothing is deleted, and the alert goes out through the channel.
            Cli sync = Cli.run("sync", "--config", fx.configFile.toString());
            assertThat(sync.exitCode()).as(sync.out() + sync.err()).isEqualTo(1);
            assertThat(sync.out()).contains("the source directory is empty").contains("NOT in sync");
            assertThat(fx.standbyDir.resolve("only on the standby 0")).exists();
            // Delivered before exit: the dispatcher is closed (and drained) before vakt sync returns.
            JsonNode alert = new ObjectMapper().readTree(Files.readString(delivered).lines().findFirst().orElseThrow());
            assertThat(alert.get("kind").asText()).isEqualTo("file-sync-delete-guard");
            assertThat(alert.get("node").asText()).isEqualTo("bergen-db");
            assertThat(alert.get("severity").asText()).isEqualTo("WARNING");
            assertThat(alert.get("evidence").asText()).contains("the source directory is empty");
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
