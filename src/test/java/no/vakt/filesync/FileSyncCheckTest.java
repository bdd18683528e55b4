package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.vakt.check.FileSyncRules;
import no.vakt.check.Finding;
import no.vakt.check.Observations;
import no.vakt.check.Severity;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

/** vakt check's file sync rules against a real sshd: what is wrong is named before 3 AM. */
class FileSyncCheckTest {
    private static List<Finding> findings(VaktConfig cfg, FileSyncObservation o) {
        return FileSyncRules.files(cfg, new Observations(null, null, null, null, null, null, List.of(), o));
    }

    private static Finding only(List<Finding> fs, String id) {
        return fs.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id + " in " + fs));
    }

    @Test
    void aWorkingSetupIsAllOk() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null)) {
            VaktConfig cfg = fx.config();
            List<Finding> fs = findings(cfg, FileSyncProbe.observe(cfg));
            assertThat(fs).extracting(Finding::severity).containsOnly(Severity.OK, Severity.INFO, Severity.WARNING);
            // Nothing has synced yet: the layout is recorded at the first start.
            assertThat(only(fs, "files-layout").severity()).isEqualTo(Severity.INFO);
            assertThat(only(fs, "files-ssh").severity()).isEqualTo(Severity.OK);
            assertThat(only(fs, "files-rsync").severity()).isEqualTo(Severity.OK);
            // The fixture's source directory is empty: deletions would be held back, worth a warning.
            assertThat(only(fs, "files-directory").severity()).isEqualTo(Severity.WARNING);
        }
    }

    @Test
    void aMissingDirectoryARefusedKeyAndMissingRsyncAreErrors() throws Exception {
        try (SyncFixture fx = SyncFixture.start(null)) {
            Files.delete(fx.primaryDir);
            Files.delete(fx.standbyDir);
            VaktConfig cfg = fx.config();
            List<Finding> fs = findings(cfg, FileSyncProbe.observe(cfg, "/nonexistent/rsync"));
            assertThat(only(fs, "files-directory").severity()).isEqualTo(Severity.ERROR);
            assertThat(only(fs, "files-directory").message()).contains("missing");
            assertThat(only(fs, "files-target-directory").message()).contains("does not exist");
            assertThat(only(fs, "files-rsync").message()).contains("rsync is not installed here");

            Path stranger = fx.dir.resolve("ssh/stranger");
            Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Files.writeString(fx.configFile, Files.readString(fx.configFile).replace("ssh/client_ed25519", "ssh/stranger"));
            List<Finding> refused = findings(fx.config(), FileSyncProbe.observe(fx.config()));
            Finding ssh = only(refused, "files-ssh");
            assertThat(ssh.severity()).isEqualTo(Severity.ERROR);
            assertThat(ssh.message()).contains("refuses the key");
            assertThat(ssh.fix()).contains("authorized_keys");
        }
    }
}
