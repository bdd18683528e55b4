package no.vakt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.vakt.lab.Sshd;

/**
 * A test pair's file sync, ready to run: its own sshd on both nodes' addresses, the empty directories
 * {@code oslo/uploads} and {@code bergen/uploads}, and the config's {@code files:} section naming them
 * ({@link FilesSection}). Closing stops the sshd.
 */
public final class SyncedUploads implements AutoCloseable {
    public final Sshd sshd;
    public final Path oslo;
    public final Path bergen;

    private SyncedUploads(Sshd sshd, Path oslo, Path bergen) {
        this.sshd = sshd;
        this.oslo = oslo;
        this.bergen = bergen;
    }

    /** @param extra more keys of the {@code files:} section, or null */
    public static SyncedUploads start(TestPair pair, String extra) throws IOException {
        Sshd sshd = new Sshd(pair.dir.resolve("ssh"), List.of(pair.primary.host(), pair.standby.host()),
                Loopback.freePort(pair.primary.host()));
        try {
            sshd.start();
            Path oslo = Files.createDirectories(pair.dir.resolve("oslo/uploads"));
            Path bergen = Files.createDirectories(pair.dir.resolve("bergen/uploads"));
            pair.rewriteConfig(y -> y.replace("files: {}\n", FilesSection.yaml(sshd, extra)));
            return new SyncedUploads(sshd, oslo, bergen);
        } catch (IOException | RuntimeException e) {
            sshd.stop();
            throw e;
        }
    }

    @Override
    public void close() {
        sshd.stop();
    }
}
