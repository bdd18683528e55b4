package no.vakt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Working directories for tests under target/test-tmp (short paths: unix sockets have a 108-byte limit). */
public final class TestDirs {
    private TestDirs() {
    }

    /** A fresh directory; the parent is created first, since on a clean clone nothing has made it yet. */
    public static Path create(String prefix) throws IOException {
        Path base = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, prefix);
    }
}
